// One process of scripts/bench-processes.js: a service client (memory or Redis cache) makes a cold burst, then
// cached calls; prints latencies and Redis round trips per cached call.
import { performance } from 'node:perf_hooks';
import { createServiceClient } from '@audience/node';
import { createRedisLock, createRedisTokenCache } from '@audience/redis';
import { createClient } from 'redis';

console.warn = () => undefined;
const { ISSUER, CLIENT_ID, CLIENT_SECRET, RESOURCE, REDIS_URL, CACHE, START_AT } = process.env;
let roundTrips = 0;
let redis;
let lock;
const shared = {};
if (CACHE === 'redis') {
  redis = createClient({ url: REDIS_URL, disableOfflineQueue: true });
  await redis.connect();
  const send = redis.sendCommand.bind(redis);
  redis.sendCommand = (args, options) => (roundTrips++, send(args, options));
  lock = createRedisLock(redis);
  Object.assign(shared, { cache: createRedisTokenCache(redis), lock });
}
const service = createServiceClient({ issuer: ISSUER, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, dangerouslyAllowInsecureHttp: true, ...shared });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(START_AT) - Date.now())));
await Promise.all(Array.from({ length: 200 }, () => service.getAccessToken(RESOURCE)));
const before = roundTrips;
const latencies = [];
const calls = 20_000;
for (let i = 0; i < calls; i++) {
  const t0 = performance.now();
  await service.getAccessToken(RESOURCE);
  latencies.push(performance.now() - t0);
}
latencies.sort((a, b) => a - b);
console.log(JSON.stringify({ p50: latencies[calls / 2] * 1e6, p99: latencies[Math.floor(calls * 0.99)] * 1e6, roundTripsPerCachedCall: (roundTrips - before) / calls }));
await lock?.close();
await redis?.close();
