import * as oauth from 'oauth4webapi';

/** The options every oauth4webapi request gets. */
export interface RequestOptions {
  /** The fetch oauth4webapi sends with: the injected one, with concurrent GETs of one URL shared. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- one fetch serves GET and POST requests
  readonly [oauth.customFetch]: (url: string, init: oauth.CustomFetchOptions<any, any>) => Promise<Response>;
  /** The development-only http switch. */
  readonly [oauth.allowInsecureRequests]: boolean;
  /** A factory: oauth4webapi calls it only when it really sends a request (a cache hit creates no timer). */
  readonly signal: () => AbortSignal;
}

type Download = Promise<{ body: ArrayBuffer; status: number; statusText: string; headers: Headers }>;

/**
 * A factory of per-request options: the injected fetch (looked up on every request, so tests and edge runtimes can
 * replace it), a fresh timeout signal, and the development-only switch for http:// servers.
 *
 * Concurrent GETs of one URL (discovery, the JWKS) share one request: 200 verifications at a cold start make one
 * JWKS request, not 200. Each caller gets its own copy of the response.
 *
 * @param settings - `fetch` (default `globalThis.fetch`), `timeoutMs`, `insecure`.
 * @returns a function that makes the options of one request.
 */
export function createRequestOptions(settings: { readonly fetch?: typeof fetch | undefined; readonly timeoutMs: number; readonly insecure: boolean }): () => RequestOptions {
  const downloads = new Map<string, Download>();
  const send = (url: string, init: RequestInit): Promise<Response> => (settings.fetch ?? globalThis.fetch)(url, init);
  const shared = async (url: string, init: RequestInit): Promise<Response> => {
    if ((init.method ?? 'GET') !== 'GET') return send(url, init);
    let download = downloads.get(url);
    if (!download) {
      download = (async () => {
        const response = await send(url, init);
        return { body: await response.arrayBuffer(), status: response.status, statusText: response.statusText, headers: response.headers };
      })();
      downloads.set(url, download);
      const forget = (): void => void downloads.delete(url);
      download.then(forget, forget);
    }
    const { body, status, statusText, headers } = await download;
    return new Response(body.slice(0), { status, statusText, headers });
  };
  return () => ({
    [oauth.customFetch]: (url, init) => shared(url, init as RequestInit),
    [oauth.allowInsecureRequests]: settings.insecure,
    signal: () => AbortSignal.timeout(settings.timeoutMs),
  });
}
