import fc from 'fast-check';
import { expect, it } from 'vitest';
import { sameOriginPath } from '@audience/core';
import { DOT_SEGMENT_ATTACKS, returnToArbitrary, resolvesToOrigin } from './return-to-cases.js';

const origin = 'https://app.example.com';

it.each([
  ['/after?x=1#top', '/after?x=1#top'],
  ['/', '/'],
  ['/a/./b/../c', '/a/c'],
  ['//evil.example.com/x', '/'],
  ['/\\evil.example.com', '/'],
  ['https://evil.example.com/', '/'],
  ['javascript:alert(1)', '/'],
  ['after', '/'],
  [undefined, '/'],
  [42, '/'],
])('returnTo %s → %s (same-origin paths only: no open redirect)', (value, expected) => {
  expect(sameOriginPath(value, origin)).toBe(expected);
});

it.each(DOT_SEGMENT_ATTACKS)('returnTo %s that normalises to another host is refused (dot segments, encoded dots, backslashes)', (value) => {
  expect(sameOriginPath(value, origin)).toBe('/');
});

it('no string ever yields a returnTo that resolves to another origin (property test)', () => {
  fc.assert(
    fc.property(returnToArbitrary(fc), (value) => {
      expect(resolvesToOrigin(sameOriginPath(value, origin), origin)).toBe(true);
    }),
    { numRuns: 20_000 },
  );
});
