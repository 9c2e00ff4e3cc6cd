// oidc-provider 9 prints "Unsupported runtime. Use Node.js v22.x LTS" when it is imported on Node 20. Audience
// supports Node ≥ 20.19, and the development server works there (every test run proves it), so that one line is
// dropped while the module loads, in the processes that import the development server only; any other warning
// passes through.
import type * as OidcProvider from 'oidc-provider';

const UNSUPPORTED_RUNTIME = 'oidc-provider WARNING: Unsupported runtime';
const warn = console.warn;
console.warn = (...args: unknown[]): void => {
  if (typeof args[0] === 'string' && args[0].includes(UNSUPPORTED_RUNTIME)) return;
  warn(...args);
};
let loaded: typeof OidcProvider;
try {
  loaded = await import('oidc-provider');
} finally {
  console.warn = warn;
}

export const Provider: typeof OidcProvider.default = loaded.default;
export const errors: typeof OidcProvider.errors = loaded.errors;
