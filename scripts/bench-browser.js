// The browser client's cache hit in headless Chromium, beside the same floor measured in the page, in interleaved
// rounds (scripts/compare.js bundled into the page). Part of `npm run bench`.
import { createServer } from 'node:http';
import { build } from 'esbuild';
import { launchChromium } from './chromium.js';

const API = 'https://api.example.com';

const entry = `
import { createBrowserClient } from '@audience/browser';
import { compare, floorCache } from './compare.js';
const auth = createBrowserClient({ ...window.CONFIG, dangerouslyAllowInsecureHttp: true });
window.bench = {
  signIn: () => auth.signIn(),
  callback: () => auth.handleRedirectCallback(),
  async run(api) {
    const token = await auth.getAccessToken(api);
    const floor = floorCache(api, token);
    return compare([
      { name: 'floor, in the page', run: () => floor(api) },
      { name: 'floor, in the page, timed again (noise)', run: () => floor(api) },
      { name: 'Audience browser getAccessToken(api)', run: () => auth.getAccessToken(api) },
    ], { rounds: 31, iterations: 100000 });
  },
};
`;

/** Serves the benchmark page on 127.0.0.1 (every path, so /callback too); call `run` once the issuer is known. */
export async function startBenchPage() {
  const script = (
    await build({
      stdin: { contents: entry, resolveDir: new URL('.', import.meta.url).pathname, loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      write: false,
      logLevel: 'error',
    })
  ).outputFiles[0].text;
  let config = {};
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') return void res.writeHead(200, { 'content-type': 'text/javascript', 'cross-origin-resource-policy': 'same-origin' }).end(script);
    // Cross-origin isolated, so that performance.now() is precise to 5 µs rather than 100 µs.
    res.writeHead(200, { 'content-type': 'text/html', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }).end(`<!doctype html><meta charset="utf-8"><title>bench</title><script>window.CONFIG = ${JSON.stringify(config)};</script><script type="module" src="/bench.js"></script>`);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    /** Signs in through the (auto-approving) dev server in Chromium, then times the cache hits in the page. */
    async run(issuer) {
      config = { issuer, clientId: 'audience-spa', scopes: ['openid', 'offline_access', 'read', 'write'], resources: [API] };
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        await page.goto(`${origin}/`);
        await page.waitForFunction(() => window.bench !== undefined);
        void page.evaluate(() => window.bench.signIn());
        await page.waitForURL(`${origin}/callback?**`);
        await page.waitForFunction(() => window.bench !== undefined);
        await page.evaluate(() => window.bench.callback());
        if (!(await page.evaluate(() => window.crossOriginIsolated))) throw new Error('the benchmark page is not cross-origin isolated');
        return await page.evaluate((api) => window.bench.run(api), API);
      } finally {
        await browser.dispose();
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    },
  };
}
