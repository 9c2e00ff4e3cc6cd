// One process of the multi-process service test: CALLS concurrent cold calls over the resources, all processes
// starting at START_AT.
import { env, serviceOverRedis } from './service-over-redis.js';

const { service, close } = await serviceOverRedis();
const resources = env('RESOURCES').split(' ');
const calls = Number(env('CALLS'));
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(env('START_AT')) - Date.now())));
const tokens = await Promise.all(Array.from({ length: calls }, (_, i) => service.getAccessToken(resources[i % resources.length]!)));
console.log(JSON.stringify({ distinct: [...new Set(tokens)].length, calls: tokens.length }));
await close();
