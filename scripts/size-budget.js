// Size budget of @audience/browser and @audience/react: bundle what an SPA uses, minify, gzip -9, print the figures,
// fail above the limits.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

// The ceiling guards against regressions at today's size. The goal (9 KB, 8 KB target) is not met: oauth4webapi's
// functions alone are 9.5 KB here once the ID token's JWKS signature check (1.8 KB of them) is included.
// Raised from 16 KB to 17.5 KB by the hardening work (+1.3 KB: the Web Lock heartbeat, whole-shape checks of stored
// values, redacted error causes, the shared issuer context) and the errors that name the option to check (+0.2 KB);
// the size issue replaces this budget with a smaller one.
const LIMIT = 17.5 * 1024;
const GOAL = 9 * 1024;
/** What @audience/react may add over the browser entry (react itself is the app's, marked external). */
const REACT_LIMIT = 1024;

const browserEntry = `
import { createBrowserClient } from '@audience/browser';
const auth = createBrowserClient({ issuer: 'https://id.example.com', clientId: 'spa', resources: ['https://api.example.com'] });
auth.subscribe((state) => console.log(state.status));
export const signIn = () => auth.signIn();
export const callback = () => auth.handleRedirectCallback();
export const token = () => auth.getAccessToken('https://api.example.com');
export const userinfo = () => auth.fetchUserInfo();
export const signOut = () => auth.signOut();
`;
// The same app through the React wrapper: provider, hooks and RequireAuth.
const reactEntry = `${browserEntry}
import { createElement } from 'react';
import { AudienceProvider, RequireAuth, useAccessToken, useAuth, useUserInfo } from '@audience/react';
function App() {
  const { status } = useAuth();
  const { token } = useAccessToken('https://api.example.com');
  const info = useUserInfo();
  return createElement(RequireAuth, null, [status, token, info.status].join());
}
export const tree = createElement(AudienceProvider, { client: auth }, createElement(App));
`;

const root = fileURLToPath(new URL('..', import.meta.url));
const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

async function measure(contents) {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    metafile: true,
    external: ['react', 'react-dom'],
    logLevel: 'error',
  });
  const code = result.outputFiles[0].contents;
  const byPackage = {};
  for (const [file, { bytesInOutput }] of Object.entries(Object.values(result.metafile.outputs)[0].inputs)) {
    const name = file.includes('node_modules/') ? file.split('node_modules/').pop().split('/')[0] : file.split('/').slice(0, 2).join('/');
    byPackage[name] = (byPackage[name] ?? 0) + bytesInOutput;
  }
  return { minified: code.length, gzipped: gzipSync(code, { level: 9 }).length, byPackage };
}

const spa = await measure(browserEntry);
const withReact = await measure(reactEntry);
console.log('@audience/browser size budget (esbuild --bundle --minify --format=esm, gzip -9)');
for (const [name, bytes] of Object.entries(spa.byPackage).sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(28)} ${kb(bytes)} minified`);
console.log(`  total: ${kb(spa.minified)} minified, ${kb(spa.gzipped)} gzipped (ceiling ${kb(LIMIT)}; goal ${kb(GOAL)}: ${spa.gzipped <= GOAL ? 'met' : `${kb(spa.gzipped - GOAL)} over`})`);
const reactCost = withReact.gzipped - spa.gzipped;
console.log(`@audience/react over the browser entry (react external): +${kb(reactCost)} gzipped, ${reactCost} B (limit ${kb(REACT_LIMIT)})`);
let failed = false;
if (spa.gzipped > LIMIT) {
  console.error(`Size budget exceeded: ${kb(spa.gzipped)} > ${kb(LIMIT)}`);
  failed = true;
}
if (reactCost > REACT_LIMIT) {
  console.error(`@audience/react adds ${kb(reactCost)} > ${kb(REACT_LIMIT)}`);
  failed = true;
}
if (failed) process.exit(1);
