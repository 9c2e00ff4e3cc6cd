import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { expect, it } from 'vitest';
import { SOURCE_ALIASES } from './support/react-page.js';

/** Browser globals that server rendering must not touch (a getter that throws stands for each). */
const BROWSER_GLOBALS = ['window', 'document', 'indexedDB', 'localStorage', 'sessionStorage', 'location', 'history'];

const TREE = `
import { renderToString } from 'react-dom/server';
import { AudienceProvider, RequireAuth, useAccessToken, useAuth, useUserInfo } from '@audience/react';
function App() {
  const { status } = useAuth();
  const token = useAccessToken('https://api.example.com');
  const info = useUserInfo();
  return <p id="state">{status} {token.status} {info.status}</p>;
}
console.log(renderToString(
  <AudienceProvider client={undefined}>
    <App />
    <RequireAuth fallback={<i>signing in</i>}><b>protected</b></RequireAuth>
  </AudienceProvider>,
));
`;

it('renderToString of a tree with the provider renders the loading state in Node and touches no browser API', async () => {
  const folder = await mkdtemp(join(tmpdir(), 'audience-react-ssr-'));
  try {
    await build({
      stdin: { contents: TREE, loader: 'tsx', resolveDir: import.meta.dirname },
      bundle: true,
      format: 'cjs', // react-dom/server is CommonJS and requires Node built-ins
      platform: 'node',
      jsx: 'automatic',
      outfile: join(folder, 'render.cjs'),
      alias: SOURCE_ALIASES,
      logLevel: 'error',
    });
    await writeFile(
      join(folder, 'no-browser.mjs'),
      `for (const name of ${JSON.stringify(BROWSER_GLOBALS)}) Object.defineProperty(globalThis, name, { configurable: true, get() { throw new Error('touched ' + name); } });`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', join(folder, 'no-browser.mjs'), join(folder, 'render.cjs')]);
    expect(stdout.trim()).toBe('<p id="state">loading<!-- --> <!-- -->loading<!-- --> <!-- -->loading</p><i>signing in</i>');
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
