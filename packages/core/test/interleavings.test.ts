import fc from 'fast-check';
import { describe, it, vi } from 'vitest';
import { createInProcessLock, createMemoryStore } from '@audience/core';
import { sessionChangesProperty, sharedSessionProperty, type Shared } from './interleavings.js';
import { useDevServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });
/** Tabs of one browser: one store, and a lock within the realm. */
const tabs: Shared = async () => {
  const lock = createInProcessLock();
  return { store: createMemoryStore(), lockOf: () => lock };
};

describe('any interleaving of tabs, store and server', () => {
  it('three tabs sharing one session, every store operation and server answer delivered in any order, some token requests failing: no refresh token is sent twice, a call fails only with its request, the session is kept', async () => {
    await fc.assert(sharedSessionProperty(env, tabs), { numRuns: 60 });
  }, 120_000);

  it('three tabs where users sign in and out while the others get tokens, in any order: a session is never written back over a newer one or after a sign-out, no refresh token is sent twice, and every tab ends with the stored user', async () => {
    await fc.assert(sessionChangesProperty(env, tabs), { numRuns: 40 });
  }, 180_000);
});
