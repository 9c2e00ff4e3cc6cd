import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { servePage, type SpaServer } from '../../../browser/test/support/spa-server.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** The packages from their sources, as the test suites use them. */
export const SOURCE_ALIASES: Record<string, string> = {
  '@audience/core': here('../../../core/src/index.ts'),
  '@audience/browser': here('../../../browser/src/index.ts'),
  '@audience/react': here('../../src/index.ts'),
};

export type PageServer = SpaServer;

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
  return servePage(result.outputFiles[0]!.text, '<div id="root"></div>', configFor);
}
