// Every Audience error that a test file produces is collected and, after the file, scanned for secrets: no token,
// code, client secret or key may appear in an error's message, its cause chain or what `console.error(err)` prints.
import { inspect } from 'node:util';
import { afterAll, expect } from 'vitest';

const BRAND = Symbol.for('audience.error');
const collected: object[] = [];

// AudienceError marks itself with this registered symbol in its constructor: that is where every one is seen.
const defineProperty = Object.defineProperty;
Object.defineProperty = function <T>(target: T, key: PropertyKey, attributes: PropertyDescriptor & ThisType<unknown>): T {
  if (key === BRAND && typeof target === 'object' && target !== null) collected.push(target);
  return defineProperty(target, key, attributes) as T;
} as typeof Object.defineProperty;

/** What a secret looks like here: a JWT, an opaque token or code of oidc-provider (43+ base64url characters), a dev secret. */
const SECRETS = [/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/, /(?<![\w-])[\w-]{43,}(?![\w-])/, /dev-(service|webapp|api)-secret/, /"d":\s*"/];

afterAll(() => {
  const leaks = collected
    .map((err) => inspect(err, { depth: Infinity, showHidden: false }))
    .filter((printed) => SECRETS.some((pattern) => pattern.test(printed)));
  collected.length = 0;
  expect(leaks.map((printed) => printed.split('\n')[0]), 'errors that print a token, code or secret').toEqual([]);
});
