import { expect, it } from 'vitest';
import { sameOriginPath } from '@audience/core/internal';

const origin = 'https://app.example.com';

it.each([
  ['/after?x=1#top', '/after?x=1#top'],
  ['/', '/'],
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
