import type fcModule from 'fast-check';

/** Values that normalise to `//evil.com` (a network-path reference) once dot segments and backslashes are resolved. */
export const DOT_SEGMENT_ATTACKS = [
  '/.//evil.com',
  '/..//evil.com',
  '/%2e//evil.com',
  '/%2E%2E//evil.com',
  '/a/..//evil.com',
  '/./\\evil.com',
  '/x/../\\evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  '/.\\/evil.com',
  '/%2e%2e/%2e%2e//evil.com/x?y#z',
];

/** Strings built from the characters and segments that matter to URL resolution, plus arbitrary text. */
export function returnToArbitrary(fc: typeof fcModule): fcModule.Arbitrary<string> {
  const piece = fc.constantFrom('/', '\\', '.', '..', '%2e', '%2E', '%2f', '%5c', '@', ':', '?', '#', '\t', '\n', ' ', 'evil.com', 'a', '//', '%00', 'http:');
  return fc.oneof(
    fc.array(piece, { maxLength: 12 }).map((parts) => `/${parts.join('')}`),
    fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
    fc.string(),
  );
}

/**
 * Whether a returnTo stays on `origin` wherever it is used: resolved against the origin (history.replaceState) and
 * against a deeper request URL (a `Location` header is resolved against the request's URL).
 */
export function resolvesToOrigin(path: string, origin: string): boolean {
  return (
    path.startsWith('/') &&
    !path.startsWith('//') &&
    !path.startsWith('/\\') &&
    new URL(path, origin).origin === origin &&
    new URL(path, `${origin}/deep/er/path?q=1`).origin === origin
  );
}
