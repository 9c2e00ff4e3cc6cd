import type * as oauth from 'oauth4webapi';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- one fetch serves GET and POST requests
type CustomFetch = (url: string, init: oauth.CustomFetchOptions<any, any>) => Promise<Response>;

type Download = Promise<{ body: ArrayBuffer; status: number; statusText: string; headers: Headers }>;

/**
 * An oauth4webapi `customFetch` under which concurrent GETs of one URL share one request, each caller getting its own
 * copy of the response: 200 verifications at a cold start, or at a key rotation, make one JWKS request, not 200.
 * Other methods go straight through.
 *
 * @param send - the fetch that sends (the issuer context's, looked up on every request).
 * @returns the sharing fetch.
 * @see RFC 7517 §5 (JWK Set)
 */
export function shareConcurrentGets(send: CustomFetch): CustomFetch {
  const downloads = new Map<string, Download>();
  return async (url, init) => {
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
}
