// Starts scripts/bench-server.js (the dev server) in a child process and talks to it over IPC.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * @param {object} options - dev server options (JSON).
 * @returns {Promise<{ issuer: string, requests(endpoint?: string): Promise<Array<{ endpoint: string, status: number, grantType?: string, resource?: string, error?: string }>>, clear(): Promise<void>, walk(url: string | URL): Promise<URL>, close(): Promise<void> }>}
 */
export async function startServerProcess(options = {}) {
  const child = fork(fileURLToPath(new URL('./bench-server.js', import.meta.url)), [JSON.stringify(options)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const pending = new Map();
  let next = 0;
  const ready = new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the dev server process exited with ${code}`)));
    child.on('message', (message) => {
      if (message.ready) return resolve(message.ready);
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (message.error) call?.reject(new Error(message.error));
      else call?.resolve(message.result);
    });
  });
  const call = (op, arg) =>
    new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      child.send({ id, op, arg: arg === undefined ? undefined : String(arg) });
    });
  const { issuer, constants } = await ready;
  return {
    issuer,
    constants,
    requests: (endpoint) => call('requests', endpoint),
    clear: () => call('clear'),
    walk: async (url) => new URL(await call('walk', url)),
    close: async () => {
      await call('close');
      await new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve()));
    },
  };
}
