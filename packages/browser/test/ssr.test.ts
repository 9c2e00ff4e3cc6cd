import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

/** Browser globals that a module of the package must not touch while it is imported (SSR, Node). (`navigator` is Node's own here: oauth4webapi reads its userAgent.) */
const BROWSER_GLOBALS = ['window', 'document', 'indexedDB', 'localStorage', 'sessionStorage', 'location', 'history'];

it('the package imports in a fresh Node process where every browser global throws when touched (SSR)', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'audience-ssr-'));
  try {
    // The package as an app bundles it: the browser entry, with core and idb-keyval inside.
    await build({
      entryPoints: [here('../src/index.ts')],
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      outfile: join(folder, 'browser.js'),
      alias: { '@audience/core': here('../../core/src/index.ts') },
      logLevel: 'error',
    });
    await writeFile(
      join(folder, 'ssr.mjs'),
      `for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) {
  Object.defineProperty(globalThis, name, { configurable: true, get() { throw new Error('touched ' + name); } });
}
const browser = await import('./browser.js');
console.log(JSON.stringify({ createBrowserClient: typeof browser.createBrowserClient, createOidcClient: typeof browser.createOidcClient, isAudienceError: typeof browser.isAudienceError }));`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [join(folder, 'ssr.mjs')]);
    expect(JSON.parse(stdout)).toEqual({ createBrowserClient: 'function', createOidcClient: 'function', isAudienceError: 'function' });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
