// Several processes: share tokens, locks and sessions through Redis (the official client, which you connect).
import { createClient } from 'redis';
import { createServiceClient, createWebAppClient } from '@audience/node';
import { createRedisLock, createRedisSessionStore, createRedisTokenCache } from '@audience/redis';

const redis = await createClient({ url: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', disableOfflineQueue: true }).connect();
const issuer = 'https://auth.example.com';
const clientSecret = process.env['CLIENT_SECRET'] ?? '';

export const service = createServiceClient({ issuer, clientId: 'billing-worker', clientSecret, cache: createRedisTokenCache(redis), lock: createRedisLock(redis) });
export const webapp = createWebAppClient({
  issuer,
  clientId: 'my-web-app',
  clientSecret,
  redirectUri: 'https://app.example.com/callback',
  sessionStore: createRedisSessionStore(redis),
  lock: createRedisLock(redis),
});
