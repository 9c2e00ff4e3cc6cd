import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The packages from their sources, as the test suites use them. */
export const SOURCE_ALIASES: Record<string, string> = {
  '@audience/core': here('../../../core/src/index.ts'),
  '@audience/browser': here('../../../browser/src/index.ts'),
  '@audience/react': here('../../src/index.ts'),
};

export interface PageServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the React test page on 127.0.0.1: every path gets the page, which loads the bundle with the given config. */
export async function startReactPage(configFor: (origin: string) => Record<string, unknown>): Promise<PageServer> {
  const result = await build({
    entryPoints: [here('../fixtures/app.tsx')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"development"' },
    write: false,
    alias: SOURCE_ALIASES,
    logLevel: 'error',
  });
  const script = result.outputFiles[0]!.text;
  let origin = '';
  const server: Server = createServer((req, res) => {
    if (req.url === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><meta charset="utf-8"><title>react test</title><div id="root"></div>
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
