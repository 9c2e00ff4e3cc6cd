// One replica of the multi-process web-app test: a node:http app whose sessions live in the shared Redis.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebAppClient, isAudienceError } from '@audience/node';
import { createRedisLock, createRedisSessionStore } from '@audience/redis';
import { createClient } from 'redis';

console.warn = () => undefined;
const env = (name: string): string => process.env[name] ?? '';
const redis = createClient({ url: env('REDIS_URL'), disableOfflineQueue: true });
redis.on('error', () => undefined);
await redis.connect();
const webapp = createWebAppClient({
  issuer: env('ISSUER'),
  clientId: env('CLIENT_ID'),
  clientSecret: env('CLIENT_SECRET'),
  redirectUri: env('REDIRECT_URI'),
  scopes: ['openid', 'offline_access', 'profile', 'read'],
  resources: [env('RESOURCE')],
  sessionStore: createRedisSessionStore(redis),
  lock: createRedisLock(redis, { ttlMs: Number(env('LOCK_TTL_MS')) }),
  cookie: { secure: false },
  dangerouslyAllowInsecureHttp: true,
});
const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  void (async () => {
    if (path === '/login') return webapp.signIn(req, res, { loginHint: 'alice' });
    if (path === '/callback') {
      const { returnTo } = await webapp.handleCallback(req, res);
      res.writeHead(302, { location: returnTo }).end();
      return;
    }
    const token = await webapp.getAccessToken(req, env('RESOURCE'));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, replica: env('NAME') }));
  })().catch((err: unknown) => {
    res.writeHead(isAudienceError(err) ? 503 : 500, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code: isAudienceError(err) ? err.code : 'unknown', message: err instanceof Error ? err.message : String(err) }));
  });
});
server.listen(Number(env('PORT')), '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
