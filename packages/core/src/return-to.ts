/**
 * The path to return to after sign-in, only if it stays on this origin: an absolute path, not `//host` or `/\host`,
 * that resolves to the same origin. Anything else becomes `/`, so a crafted sign-in link cannot redirect away.
 *
 * @param value - what was remembered at sign-in.
 * @param origin - this page's origin.
 * @returns a same-origin path with its query and fragment.
 */
export function sameOriginPath(value: unknown, origin: string): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  const url = new URL(value, origin);
  return url.origin === origin ? `${url.pathname}${url.search}${url.hash}` : '/';
}
