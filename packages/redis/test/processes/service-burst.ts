// One process of the multi-process service test: a service client over the shared Redis cache and lock makes
// CALLS concurrent cold calls per resource, at the signal START (a line on stdin is not needed: it starts at once).
import { createServiceClient } from '@audience/node';
import { createRedisLock, createRedisTokenCache } from '@audience/redis';
import { createClient } from 'redis';

const env = (name: string): string => process.env[name] ?? '';
const redis = createClient({ url: env('REDIS_URL'), disableOfflineQueue: true });
await redis.connect();
const lock = createRedisLock(redis, { prefix: env('PREFIX') });
const service = createServiceClient({
  issuer: env('ISSUER'),
  clientId: env('CLIENT_ID'),
  clientSecret: env('CLIENT_SECRET'),
  cache: createRedisTokenCache(redis, { prefix: env('PREFIX') }),
  lock,
  dangerouslyAllowInsecureHttp: true,
});
console.warn = () => undefined;
const resources = env('RESOURCES').split(' ');
const calls = Number(env('CALLS'));
// Start together: wait for the agreed moment.
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(env('START_AT')) - Date.now())));
const tokens = await Promise.all(Array.from({ length: calls }, (_, i) => service.getAccessToken(resources[i % resources.length]!)));
console.log(JSON.stringify({ distinct: [...new Set(tokens)].length, calls: tokens.length }));
await lock.close();
await redis.close();
