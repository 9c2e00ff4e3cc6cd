// One process of the steady-traffic test: a call every STEP_MS for DURATION_MS; prints how many calls waited.
import { createServiceClient } from '@audience/node';
import { createRedisLock, createRedisTokenCache } from '@audience/redis';
import { createClient } from 'redis';

console.warn = () => undefined;
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
  expiryLeewaySeconds: 1,
  dangerouslyAllowInsecureHttp: true,
});
const resource = env('RESOURCE');
await service.getAccessToken(resource); // the first token exists before the steady traffic starts
const slowest: number[] = [];
const end = Date.now() + Number(env('DURATION_MS'));
let calls = 0;
while (Date.now() < end) {
  const started = performance.now();
  await service.getAccessToken(resource);
  slowest.push(performance.now() - started);
  calls++;
  await new Promise((resolve) => setTimeout(resolve, Number(env('STEP_MS'))));
}
await service.idle();
console.log(JSON.stringify({ calls, waited: slowest.filter((ms) => ms > Number(env('WAIT_MS'))).length }));
await lock.close();
await redis.close();
