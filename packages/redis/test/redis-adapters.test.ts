import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisLock, createRedisSessionStore, createRedisTokenCache } from '@audience/redis';
import { connect, startRedis, type RedisServer } from './support.js';

let redis: RedisServer;
let a: Awaited<ReturnType<typeof connect>>;
let b: Awaited<ReturnType<typeof connect>>;
beforeAll(async () => {
  redis = await startRedis();
  [a, b] = await Promise.all([connect(redis.url), connect(redis.url)]);
});
afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await redis?.close();
});

describe('createRedisLock', () => {
  it('two connections exclude each other, and a waiter is woken by the release, not by the lease running out', async () => {
    const [lockA, lockB] = [createRedisLock(a, { ttlMs: 5_000 }), createRedisLock(b, { ttlMs: 5_000 })];
    const events: string[] = [];
    let released = 0;
    const first = lockA('wake', async () => {
      events.push('a in');
      await sleep(200);
      events.push('a out');
      released = Date.now();
    });
    await sleep(20);
    const second = lockB('wake', async () => {
      events.push('b in');
      return Date.now() - released;
    });
    await first;
    const waitedAfterRelease = await second;
    expect(events).toEqual(['a in', 'a out', 'b in']);
    expect(waitedAfterRelease).toBeLessThan(200); // woken by pub/sub: far less than the 5 s lease
    await Promise.all([lockA.close(), lockB.close()]);
  });

  it('a holder slower than its lease keeps the lock: the lease is extended while it runs', async () => {
    const [lockA, lockB] = [createRedisLock(a, { ttlMs: 300 }), createRedisLock(b, { ttlMs: 300 })];
    const events: string[] = [];
    const slow = lockA('slow', async (held) => {
      events.push('a in');
      await sleep(1_000);
      events.push(`a out, held: ${await held()}`);
    });
    await sleep(20);
    await lockB('slow', async () => void events.push('b in'));
    await slow;
    expect(events).toEqual(['a in', 'a out, held: true', 'b in']);
    await Promise.all([lockA.close(), lockB.close()]);
  });

  it('a holder that died (its lease no longer extended) loses the lock after ttlMs', async () => {
    await a.sendCommand(['SET', 'audience:lock:dead', 'a-process-that-was-killed', 'PX', '400']);
    const lock = createRedisLock(b, { ttlMs: 400 });
    const started = Date.now();
    await lock('dead', async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(350);
    expect(waited).toBeLessThan(1_000);
    await lock.close();
  });

  it('a holder whose lease was lost while it stalled does not overwrite the newer session (fenced write: ERR_LOCK_LOST)', async () => {
    const [lockA, lockB] = [createRedisLock(a, { ttlMs: 200 }), createRedisLock(b, { ttlMs: 200 })];
    const [storeA, storeB] = [createRedisSessionStore(a), createRedisSessionStore(b)];
    let resume: () => void = () => undefined;
    const stalled = new Promise<void>((resolve) => (resume = resolve));
    const holder = lockA('fence', async (held) => {
      // Stalled long enough for its lease to be lost (simulated: the key vanishes, as when the lease runs out).
      await a.sendCommand(['DEL', 'audience:lock:fence']);
      await stalled;
      const stillHeld = await held();
      const write = await storeA.set('s1:session', { by: 'stalled holder' }).then(() => 'written', (err: { code?: string }) => err.code);
      return { stillHeld, write };
    });
    await sleep(50);
    await lockB('fence', async () => storeB.set('s1:session', { by: 'new holder' }));
    resume();
    expect(await holder).toEqual({ stillHeld: false, write: 'ERR_LOCK_LOST' });
    expect(await storeB.get('s1:session')).toEqual({ by: 'new holder' });
    await Promise.all([lockA.close(), lockB.close()]);
  });
});

describe('createRedisTokenCache and createRedisSessionStore', () => {
  it('a cached token expires in Redis with the token', async () => {
    const cache = createRedisTokenCache(a, { prefix: 'cache-test:' });
    const token = { accessToken: 'eyJ.a.b', obtainedAt: Date.now(), expiresAt: Date.now() + 300 };
    await cache.set('k', token);
    expect(await cache.get('k')).toEqual(token);
    await sleep(400);
    expect(await cache.get('k')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', '{"version":2,"token":{"accessToken":"x","obtainedAt":1,"expiresAt":2}}'],
    ['a wrong shape', '{"version":1,"token":{"accessToken":42}}'],
  ])('a stored value that is %s reads as absent, never a crash', async (_name, raw) => {
    await a.sendCommand(['SET', 'shape-test:token:k', raw]);
    await a.sendCommand(['SET', 'shape-test:session:k', raw.replace('"token"', '"other"')]);
    expect(await createRedisTokenCache(a, { prefix: 'shape-test:' }).get('k')).toBeUndefined();
    expect(await createRedisSessionStore(a, { prefix: 'shape-test:' }).get('k')).toBeUndefined();
  });

  it('every value expires: a pending sign-in after its own short life, a session after ttlSeconds idle (each read extends it)', async () => {
    const store = createRedisSessionStore(a, { prefix: 'ttl-test:', ttlSeconds: 1 });
    await store.set('p:transaction:x', { pending: true }, { ttlMs: 200 });
    await store.set('s:session', { user: 'alice' });
    expect(Number(await a.sendCommand(['PTTL', 'ttl-test:session:p:transaction:x']))).toBeLessThanOrEqual(200);
    await sleep(300);
    expect(await store.get('p:transaction:x')).toBeUndefined();
    await sleep(400);
    expect(await store.get('s:session')).toEqual({ user: 'alice' }); // read at 0.7 s: extended to 1 s again
    await sleep(700);
    expect(await store.get('s:session')).toEqual({ user: 'alice' });
    await sleep(1_100);
    expect(await store.get('s:session')).toBeUndefined();
  });
});
