// Size budget of @audience/browser: bundle what an SPA uses, minify, gzip -9, print the figure, fail above the limit.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

// The ceiling guards against regressions at today's size. The goal (9 KB, 8 KB target) is not met: oauth4webapi's
// functions alone are 9.5 KB here once the ID token's JWKS signature check (1.8 KB of them) is included.
// Raised from 16 KB to 17 KB by the hardening work (+1.3 KB: the Web Lock heartbeat, whole-shape checks of stored
// values, redacted error causes, the shared issuer context); the size issue replaces this budget with a smaller one.
const LIMIT = 17 * 1024;
const GOAL = 9 * 1024;
const entry = `
import { createBrowserClient } from '@audience/browser';
const auth = createBrowserClient({ issuer: 'https://id.example.com', clientId: 'spa', resources: ['https://api.example.com'] });
auth.subscribe((state) => console.log(state.status));
export const signIn = () => auth.signIn();
export const callback = () => auth.handleRedirectCallback();
export const token = () => auth.getAccessToken('https://api.example.com');
export const userinfo = () => auth.fetchUserInfo();
export const signOut = () => auth.signOut();
`;
const root = fileURLToPath(new URL('..', import.meta.url));
const result = await build({
  stdin: { contents: entry, resolveDir: root, loader: 'js' },
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  metafile: true,
  logLevel: 'error',
});
const code = result.outputFiles[0].contents;
const gzipped = gzipSync(code, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;
const byPackage = {};
for (const [file, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
  const name = file.includes('node_modules/') ? file.split('node_modules/').pop().split('/')[0] : file.split('/').slice(0, 2).join('/');
  byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
}
console.log('@audience/browser size budget (esbuild --bundle --minify --format=esm, gzip -9)');
for (const [name, bytes] of Object.entries(byPackage).sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(28)} ${kb(bytes)} minified`);
console.log(`  total: ${kb(code.length)} minified, ${kb(gzipped)} gzipped (ceiling ${kb(LIMIT)}; goal ${kb(GOAL)}: ${gzipped <= GOAL ? 'met' : `${kb(gzipped - GOAL)} over`})`);
if (gzipped > LIMIT) {
  console.error(`Size budget exceeded: ${kb(gzipped)} > ${kb(LIMIT)}`);
  process.exit(1);
}
