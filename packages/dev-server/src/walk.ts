/**
 * Follows an authorization request through a dev server running in `auto` interaction mode, carrying its cookies,
 * and returns the URL the server finally redirects to outside itself (the client's callback with `code`, `state`
 * and `iss`, or an `error`). Pass the same `cookies` map again to sign in with an existing session.
 *
 * @param authorizationUrl - the URL a client would send the browser to.
 * @param cookies - a cookie jar, name → value, shared across calls for a persistent browser session.
 * @returns the redirect target outside the issuer's origin.
 */
export async function walkSignIn(authorizationUrl: string | URL, cookies: Map<string, string> = new Map()): Promise<URL> {
  let url = new URL(authorizationUrl);
  const origin = url.origin;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== origin) return url;
    const cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') cookies.delete(name);
      else cookies.set(name, value);
    }
    const location = res.headers.get('location');
    await res.arrayBuffer();
    if (!location) throw new Error(`walkSignIn: ${url.pathname} answered ${res.status} without a redirect`);
    url = new URL(location, url);
  }
  throw new Error('walkSignIn: too many redirects');
}
