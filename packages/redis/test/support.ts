import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createClient } from 'redis';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Debian's redis-server: the tests need the real one and say how to get it; they never skip. */
export function redisServerPath(): string {
  const path = process.env['REDIS_SERVER_PATH'] ?? '/usr/bin/redis-server';
  if (!existsSync(path)) {
    throw new Error(`redis-server not found at ${path}. The Redis tests need a real Redis: install Debian's package (\`apt-get install -y redis-server\`) or set REDIS_SERVER_PATH. They are never skipped.`);
  }
  return path;
}

/** A free TCP port on 127.0.0.1. */
export async function freePortFor(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface RedisServer {
  readonly url: string;
  readonly pid: number;
  /** Stops it by PID; with `save`, it first writes its data to its own temporary folder, and `start` reads it back. */
  stop(options?: { save?: boolean }): Promise<void>;
  /** Starts it again on the same port and folder. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

/** Starts redis-server on 127.0.0.1 and a free port, without persistence, in a temporary folder of its own. */
export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerPath();
  const port = await freePortFor();
  const dir = await mkdtemp(join(tmpdir(), 'audience-redis-'));
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--dbfilename', 'dump.rdb'], { stdio: 'ignore' });
    const probe = createClient({ url });
    probe.on('error', () => undefined);
    for (let attempt = 0; ; attempt++) {
      try {
        await probe.connect();
        break;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    await probe.close();
  };
  const stop = async ({ save = false } = {}): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    if (save) {
      const admin = createClient({ url });
      admin.on('error', () => undefined);
      await admin.connect();
      await admin.sendCommand(['SAVE']);
      await admin.close();
    }
    try {
      process.kill(running.pid!, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // it had exited already
    }
    await exited;
  };
  await start();
  return {
    url,
    get pid() {
      return child!.pid!;
    },
    stop,
    start,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Connects a node-redis client (commands fail at once while disconnected, as an app should configure it). */
export async function connect(url: string) {
  const client = createClient({ url, disableOfflineQueue: true });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const ALIASES: Record<string, string> = {
  '@audience/core': here('../../core/src/index.ts'),
  '@audience/node': here('../../node/src/index.ts'),
  '@audience/redis': here('../src/index.ts'),
  '@audience/dev-server': here('../../dev-server/src/index.ts'),
};

/** Bundles a script of test/processes (the packages from their sources) and returns the file to run with node. */
export async function bundleProcess(name: string): Promise<string> {
  const outdir = here('../.test-build');
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, `${name}.mjs`);
  await build({
    entryPoints: [here(`./processes/${name}.ts`)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    alias: ALIASES,
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Resolves with the first line the process prints (its "ready" message, as JSON). */
  readonly ready: Promise<unknown>;
  /** Resolves with the last JSON line it printed, when it exits. */
  readonly done: Promise<unknown>;
}

/** Runs a bundled process with environment variables; its stdout lines are JSON messages. */
export function runProcess(file: string, env: Record<string, string>): RunningProcess {
  const child = spawn(process.execPath, [file], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const lines: unknown[] = [];
  let onFirst: (value: unknown) => void = () => undefined;
  const ready = new Promise((resolve) => (onFirst = resolve));
  let buffer = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    for (let newline = buffer.indexOf('\n'); newline >= 0; newline = buffer.indexOf('\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const message: unknown = JSON.parse(line);
      if (lines.length === 0) onFirst(message);
      lines.push(message);
    }
  });
  const done = new Promise((resolve, reject) =>
    child.once('exit', (code, signal) => (code === 0 || signal === 'SIGKILL' ? resolve(lines.at(-1)) : reject(new Error(`process exited with ${code ?? signal}`)))),
  );
  return { child, ready, done };
}
