// One process of the steady-traffic test: a call every STEP_MS for DURATION_MS; prints how many calls waited.
import { env, serviceOverRedis } from './service-over-redis.js';

const { service, close } = await serviceOverRedis({ expiryLeewaySeconds: 1 });
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
await close();
