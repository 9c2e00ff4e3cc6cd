/**
 * The path to return to after sign-in, only if it stays on this origin. The value is resolved against the origin
 * first and the *normalised* result is checked: dot segments, percent-encoded dots, backslashes, tabs and newlines
 * are all resolved by the URL parser before the check, so `/.//evil.com` or `/%2e%2e/\evil.com` (which normalise to
 * `//evil.com`, a network-path reference to another host) become `/`. A crafted sign-in link cannot redirect away.
 *
 * @param value - what was remembered at sign-in.
 * @param origin - this page's origin.
 * @returns a same-origin absolute path (never starting with `//` or `/\`) with its query and fragment, else `/`.
 * @see RFC 3986 §4.2 (network-path references), §5.2.4 (remove_dot_segments)
 */
export function sameOriginPath(value: unknown, origin: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || !URL.canParse(value, origin)) return '/';
  const url = new URL(value, origin);
  const path = `${url.pathname}${url.search}${url.hash}`;
  // What the caller will put in a Location header or history entry: it must itself resolve to this origin.
  if (url.origin !== origin || !path.startsWith('/') || path.startsWith('//') || path.startsWith('/\\')) return '/';
  return new URL(path, origin).origin === origin ? path : '/';
}
