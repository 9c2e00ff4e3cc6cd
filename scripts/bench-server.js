// The dev server for the benchmarks, in a process of its own: oidc-provider keeps an AsyncLocalStorage, and in the
// process that runs it every `await` costs about 3× as much, which would distort every timing next to it.
// Driven over IPC by scripts/support/server-process.js.
import { API_RESOURCE, BILLING_RESOURCE, CLIENTS, REPORTS_RESOURCE, SERVICE_SECRET, startDevServer, walkSignIn } from '@audience/dev-server';

console.warn = () => undefined; // the http issuer warning; this process is on loopback only
const server = await startDevServer(JSON.parse(process.argv[2] ?? '{}'));
const jar = new Map();

process.on('message', async ({ id, op, arg }) => {
  try {
    let result;
    if (op === 'requests') {
      result = server.control.requests(arg).map(({ endpoint, status, grantType, resource, error }) => ({ endpoint, status, grantType, resource, error }));
    } else if (op === 'clear') server.control.clearLog();
    else if (op === 'walk') result = String(await walkSignIn(arg, jar));
    else if (op === 'close') {
      await server.close();
      process.send({ id });
      process.disconnect();
      return;
    }
    process.send({ id, result });
  } catch (err) {
    process.send({ id, error: String(err) });
  }
});
process.send({ ready: { issuer: server.issuer, constants: { API_RESOURCE, BILLING_RESOURCE, REPORTS_RESOURCE, CLIENTS, SERVICE_SECRET } } });
