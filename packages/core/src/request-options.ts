import * as oauth from 'oauth4webapi';

/** The options every oauth4webapi request gets. */
export interface RequestOptions {
  /** The fetch oauth4webapi sends with: the injected one. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one fetch serves GET and POST requests
  readonly [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<any, any>) => Promise<Response>;
  /** The development-only http switch. */
  readonly [oauth.allowInsecureRequests]: boolean;
  /** A factory: oauth4webapi calls it only when it really sends a request (a cache hit creates no timer). */
  readonly signal: () => AbortSignal;
}

/**
 * A factory of per-request options: the injected fetch (looked up on every request, so tests and edge runtimes can
 * replace it), a fresh timeout signal, and the development-only switch for http:// servers.
 *
 * @param settings - `fetch` (default `globalThis.fetch`), `timeoutMs`, `insecure`.
 * @returns a function that makes the options of one request.
 */
export function createRequestOptions(settings: { readonly fetch?: typeof fetch | undefined; readonly timeoutMs: number; readonly insecure: boolean }): () => RequestOptions {
  return () => ({
    [oauth.customFetch]: (url, init) => (settings.fetch ?? globalThis.fetch)(url, init as RequestInit),
    [oauth.allowInsecureRequests]: settings.insecure,
    signal: () => AbortSignal.timeout(settings.timeoutMs),
  });
}
