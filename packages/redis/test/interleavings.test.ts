import fc from 'fast-check';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { createRedisLock, createRedisSessionStore, type RedisLock } from '@audience/redis';
import { sessionChangesProperty, sharedSessionProperty, type Shared } from '../../core/test/interleavings.js';
import { useDevServer } from '../../core/test/support.js';
import { connect, startRedis, type RedisServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

const env = useDevServer({ accessTokenTtl: 120, systemClock: true });
let redis: RedisServer;
let connections: Array<Awaited<ReturnType<typeof connect>>> = [];
let locks: RedisLock[] = [];
let run = 0;
beforeAll(async () => {
  redis = await startRedis();
  connections = await Promise.all([0, 1, 2].map(() => connect(redis.url)));
  locks = connections.map((connection) => createRedisLock(connection));
});
afterAll(async () => {
  await Promise.all(locks.map((lock) => lock.close()));
  await Promise.all(connections.map((connection) => connection.close()));
  await redis?.close();
});

/** Replicas of a web app on one Redis: the session store (fenced writes) and a Redis lock per replica, each on its own connection. */
const replicas: Shared = async () => ({
  store: createRedisSessionStore(connections[0]!, { prefix: `audience:interleavings-${++run}:` }),
  lockOf: (client) => locks[client]!,
});

describe('any interleaving of replicas sharing Redis, and of the server', () => {
  it('three replicas sharing one session through Redis, every Redis operation and server answer delivered in any order, some token requests failing: no refresh token is sent twice, a call fails only with its request, the session is kept', async () => {
    await fc.assert(sharedSessionProperty(env, replicas), { numRuns: 30 });
  }, 180_000);

  it('three replicas where users sign in and out while the others get tokens, through Redis, in any order: a session is never written back over a newer one or after a sign-out, no refresh token is sent twice, and every replica ends with the stored user', async () => {
    await fc.assert(sessionChangesProperty(env, replicas), { numRuns: 20 });
  }, 180_000);
});
