import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, SERVICE_SECRET, WEBAPP_SECRET, startDevServer, walkSignIn, type DevServer } from '@audience/dev-server';
import { bundleProcess, freePortFor, runProcess, startRedis, type RedisServer } from './support.js';

vi.spyOn(console, 'warn').mockImplementation(() => undefined);

let redis: RedisServer;
let idp: DevServer;
beforeAll(async () => {
  [redis, idp] = await Promise.all([startRedis(), startDevServer({ interactionMode: 'auto' })]);
});
afterAll(async () => {
  await redis?.close();
  await idp?.close();
});
beforeEach(() => idp.control.clearLog());

const tokenRequests = () => idp.control.requests('token').filter((r) => r.grantType === 'client_credentials');

describe('service clients in 4 processes sharing Redis', () => {
  async function burst(resources: string[], prefix: string) {
    const file = await bundleProcess('service-burst');
    const startAt = Date.now() + 1500;
    const processes = Array.from({ length: 4 }, () =>
      runProcess(file, {
        REDIS_URL: redis.url,
        ISSUER: idp.issuer,
        CLIENT_ID: CLIENTS.service,
        CLIENT_SECRET: SERVICE_SECRET,
        RESOURCES: resources.join(' '),
        CALLS: '1000',
        START_AT: String(startAt),
        PREFIX: prefix,
      }),
    );
    return Promise.all(processes.map((p) => p.done)) as Promise<Array<{ distinct: number; calls: number }>>;
  }

  it('4 processes × 1 000 concurrent cold calls for one resource make exactly 1 token request', async () => {
    const results = await burst([API_RESOURCE], 'one');
    expect(results).toEqual(Array.from({ length: 4 }, () => ({ distinct: 1, calls: 1000 })));
    expect(tokenRequests().map((r) => [r.resource, r.status])).toEqual([[API_RESOURCE, 200]]);
  }, 60_000);

  it('two resources make 2', async () => {
    await redis.stop();
    await redis.start(); // an empty cache
    const results = await burst([API_RESOURCE, BILLING_RESOURCE], 'two');
    expect(results.map((r) => r.distinct)).toEqual([2, 2, 2, 2]);
    expect(tokenRequests().map((r) => r.resource).sort()).toEqual([API_RESOURCE, BILLING_RESOURCE]);
  }, 60_000);
});

describe('steady traffic from 3 processes over several token lifetimes', () => {
  it('about one token request per lifetime, and no caller waits on the network at expiry', async () => {
    idp.control.setTtl({ accessToken: 4, clientCredentials: 4 }); // a resource's tokens follow accessToken
    // Every token request takes 400 ms: a caller that waited for one is easy to see.
    idp.control.injectFault('token', { type: 'delay', ms: 400 });
    try {
      const file = await bundleProcess('service-steady');
      idp.control.clearLog();
      const env = { REDIS_URL: redis.url, ISSUER: idp.issuer, CLIENT_ID: CLIENTS.service, CLIENT_SECRET: SERVICE_SECRET, RESOURCE: BILLING_RESOURCE, PREFIX: 'steady:', DURATION_MS: '12000', STEP_MS: '100', WAIT_MS: '350' }; // a caller that waited for the 400 ms endpoint takes ≥ 400 ms
      const results = (await Promise.all(Array.from({ length: 3 }, () => runProcess(file, env).done))) as Array<{ calls: number; waited: number }>;
      expect(results.every((r) => r.calls > 50)).toBe(true);
      expect(results.map((r) => r.waited)).toEqual([0, 0, 0]);
      // 4 s tokens, 1 s leeway, refreshed ahead at 80 % of the usable 3 s: one request per 2.4 s, over 12 s plus the first.
      const requests = tokenRequests().length;
      expect(requests).toBeGreaterThanOrEqual(4);
      expect(requests).toBeLessThanOrEqual(7);
    } finally {
      idp.control.clearFaults();
      idp.control.setTtl({ accessToken: 600, clientCredentials: 600 });
    }
  }, 60_000);
});

describe('a web app in 2 replicas sharing Redis sessions and locks', () => {
  const LOCK_TTL_MS = 2_000;
  let replicas: Array<{ url: string; process: ReturnType<typeof runProcess> }> = [];
  let cookie = '';
  const refreshes = () => idp.control.requests('token').filter((r) => r.grantType === 'refresh_token');
  const me = async (url: string) => {
    const response = await fetch(`${url}/me`, { headers: { cookie } });
    return { status: response.status, body: (await response.json()) as { token?: string; code?: string; message?: string } };
  };
  const tokensExpire = () => new Promise((resolve) => setTimeout(resolve, 3_200)); // 4 s tokens, 1 s leeway (a quarter)

  beforeAll(async () => {
    const file = await bundleProcess('web-app-replica');
    const ports = [await freePortFor(), await freePortFor()];
    const redirectUri = `http://127.0.0.1:${ports[0]}/callback`; // one public URL in front of both replicas
    await idp.close();
    idp = await startDevServer({ interactionMode: 'auto', webappRedirectUris: [redirectUri] });
    idp.control.setTtl({ accessToken: 4 });
    replicas = ports.map((port, i) => {
      const process = runProcess(file, {
        NAME: `replica-${i}`,
        PORT: String(port),
        REDIS_URL: redis.url,
        ISSUER: idp.issuer,
        CLIENT_ID: CLIENTS.webapp,
        CLIENT_SECRET: WEBAPP_SECRET,
        REDIRECT_URI: redirectUri,
        RESOURCE: API_RESOURCE,
        LOCK_TTL_MS: String(LOCK_TTL_MS),
      });
      return { url: `http://127.0.0.1:${port}`, process };
    });
    await Promise.all(replicas.map((r) => r.process.ready));
  }, 60_000);
  afterAll(() => {
    for (const { process } of replicas) process.child.kill('SIGKILL');
  });

  it('sign in through replica A, use the session on B; tokens expired, 20 parallel requests over A and B → exactly 1 refresh', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    const login = await fetch(`${a.url}/login`, { redirect: 'manual' });
    const pending = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const callback = await walkSignIn(login.headers.get('location')!);
    const back = await fetch(`${a.url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { cookie: pending } });
    cookie = (back.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect(cookie).toMatch(/^audience_session=[\w-]{43}$/);
    const onB = await me(b.url);
    expect(onB.status).toBe(200);

    await tokensExpire();
    idp.control.clearLog();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => me(replicas[i % 2]!.url)));
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(new Set(results.map((r) => r.body.token)).size).toBe(1);
    expect(results[0]!.body.token).not.toBe(onB.body.token);
    expect(refreshes().map((r) => [r.status, r.error ?? null])).toEqual([[200, null]]);
  }, 30_000);

  it('a replica killed while holding the lock during a refresh: the other goes on after the lease, the session survives', async () => {
    const [a, b] = replicas as [(typeof replicas)[0], (typeof replicas)[0]];
    await tokensExpire();
    idp.control.clearLog();
    idp.control.injectFault('token', { type: 'hang', ms: 20_000 }, { times: 1 });
    void me(a.url).catch(() => undefined); // A takes the lock; its refresh never gets an answer
    await new Promise((resolve) => setTimeout(resolve, 500));
    a.process.child.kill('SIGKILL');
    const started = Date.now();
    const onB = await me(b.url);
    expect(onB.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(LOCK_TTL_MS + 1_500);
    expect(refreshes().map((r) => r.fault ?? r.status)).toEqual(['hang', 200]);
    expect((await me(b.url)).body.token).toBe(onB.body.token);
  }, 30_000);

  it('Redis stopped: a typed error naming Redis, no session deleted; it works again once Redis is back', async () => {
    const b = replicas[1]!;
    expect((await me(b.url)).status).toBe(200);
    await redis.stop({ save: true });
    await tokensExpire(); // the next call has to read the session from Redis
    idp.control.clearLog();
    const down = await me(b.url);
    expect(down.status).toBe(503);
    expect(down.body.code).toBe('ERR_NETWORK');
    expect(down.body.message).toContain('Redis');
    expect(refreshes()).toHaveLength(0); // nothing sent, nothing dropped
    await redis.start();
    let after = await me(b.url);
    for (let attempt = 0; attempt < 50 && after.status !== 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await me(b.url);
    }
    expect(after.status).toBe(200);
    expect(JSON.parse(Buffer.from(after.body.token!.split('.')[1]!, 'base64url').toString())).toMatchObject({ sub: 'alice', aud: API_RESOURCE });
    expect(refreshes().map((r) => [r.status, r.error ?? null])).toEqual([[200, null]]); // the same session, refreshed
  }, 30_000);
});
