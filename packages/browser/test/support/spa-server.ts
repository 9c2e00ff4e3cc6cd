import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Bundles the test page from the packages' sources. */
async function bundle(): Promise<string> {
  const result = await build({
    entryPoints: [here('../fixtures/app.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    alias: {
      '@audience/core': here('../../../core/src/index.ts'),
      '@audience/browser': here('../../src/index.ts'),
    },
    logLevel: 'error',
  });
  return result.outputFiles[0]!.text;
}

export interface SpaServer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves a test page on 127.0.0.1: every path gets the same page (so `/callback` and `/after` work), which loads
 * `script` with the given client configuration.
 */
export async function servePage(script: string, body: string, configFor: (origin: string) => Record<string, unknown>): Promise<SpaServer> {
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><title>test page</title>${body}
<script>window.AUDIENCE_CONFIG = ${JSON.stringify(configFor(origin))};</script><script type="module" src="/app.js"></script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Serves the test SPA of the browser package. */
export async function startSpaServer(configFor: (origin: string) => Record<string, unknown>): Promise<SpaServer> {
  return servePage(
    await bundle(),
    `<p>status: <span id="status">loading</span> return-to: <span id="return-to"></span></p>
<button id="sign-in">Sign in</button>`,
    configFor,
  );
}
