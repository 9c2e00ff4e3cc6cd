// The service client of the multi-process tests: over the shared Redis cache and lock, from the environment.
import { createServiceClient, type ServiceClientOptions } from '@audience/node';
import { createRedisLock, createRedisTokenCache } from '@audience/redis';
import { createClient } from 'redis';

console.warn = () => undefined;
export const env = (name: string): string => process.env[name] ?? '';

/** Connects to Redis and creates the service client; `close` ends both connections. */
export async function serviceOverRedis(overrides: Partial<ServiceClientOptions> = {}) {
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
    ...overrides,
  } as ServiceClientOptions);
  return { service, close: async () => (await lock.close(), await redis.close()) };
}
