// Service clients in N processes (N = 1, 2, 4) with the memory cache vs the Redis cache and lock: token requests for
// a cold burst of 200 calls per process, p50/p99 of cached calls, Redis round trips per cached call. Prints numbers.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API_RESOURCE, CLIENTS, SERVICE_SECRET, startDevServer } from '@audience/dev-server';
import { createClient } from 'redis';

console.warn = () => undefined;
const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, '127.0.0.1', () => {
    const { port: free } = probe.address();
    probe.close(() => resolve(free));
  });
});
const dir = await mkdtemp(join(tmpdir(), 'audience-bench-redis-'));
const redisServer = spawn(process.env.REDIS_SERVER_PATH ?? '/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
const admin = createClient({ url });
for (let attempt = 0; ; attempt++) {
  try {
    await admin.connect();
    break;
  } catch (err) {
    if (attempt > 50) throw err;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
const idp = await startDevServer();
const child = fileURLToPath(new URL('./bench-processes-child.js', import.meta.url));
const run = (env) =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, [child], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (chunk) => (out += chunk));
    p.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1))) : reject(new Error(`child exited with ${code}`))));
  });
const ns = (n) => `${Math.round(n).toLocaleString('en')} ns`;

console.log('processes  cache   token requests  cached call p50 / p99 (worst process)  Redis round trips per cached call');
for (const processes of [1, 2, 4]) {
  for (const cache of ['memory', 'redis']) {
    await admin.flushAll();
    idp.control.clearLog();
    const startAt = String(Date.now() + 1000);
    const results = await Promise.all(
      Array.from({ length: processes }, () => run({ ISSUER: idp.issuer, CLIENT_ID: CLIENTS.service, CLIENT_SECRET: SERVICE_SECRET, RESOURCE: API_RESOURCE, REDIS_URL: url, CACHE: cache, START_AT: startAt })),
    );
    const requests = idp.control.requests('token').length;
    const p50 = Math.max(...results.map((r) => r.p50));
    const p99 = Math.max(...results.map((r) => r.p99));
    const trips = Math.max(...results.map((r) => r.roundTripsPerCachedCall));
    console.log(`${String(processes).padEnd(11)}${cache.padEnd(8)}${String(requests).padEnd(16)}${`${ns(p50)} / ${ns(p99)}`.padEnd(39)}${trips}`);
  }
}
await admin.close();
await idp.close();
redisServer.kill('SIGKILL');
await rm(dir, { recursive: true, force: true });
