// The one method behind every size figure (the size script and the feature-cost script): esbuild --bundle --minify
// --format=esm --platform=browser, then gzip -9; and the SPA entry they both bundle.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles an entry by the method.
 *
 * @param {string} contents - the entry's source.
 * @param {import('esbuild').BuildOptions} [options] - what a script adds (source map, aliases, externals).
 */
export const bundle = (contents, options = {}) =>
  build({ stdin: { contents, resolveDir: root, loader: 'js' }, bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'error', ...options });

export const kb = (n) => `${(n / 1024).toFixed(2)} KB`;

/** Every call a single-page app makes. */
export const spa = `
import { createBrowserClient } from '@audience/browser';
const auth = createBrowserClient({ issuer: 'https://id.example.com', clientId: 'spa', resources: ['https://api.example.com'] });
auth.subscribe((state) => console.log(state.status));
export const signIn = () => auth.signIn();
export const callback = () => auth.handleRedirectCallback();
export const token = () => auth.getAccessToken('https://api.example.com');
export const userinfo = () => auth.fetchUserInfo();
export const signOut = () => auth.signOut();
`;
