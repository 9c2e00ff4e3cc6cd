import { AudienceError } from './errors.js';

// The one options validator of every Audience package: checks at the public boundary, messages that quote the path.

/** An `ERR_INVALID_OPTION` naming the option: `"options.issuer" must be an absolute URL`. */
const SCOPES_RULE = 'must be an array of scope strings without spaces';

export function invalid(path: string, rule: string): AudienceError {
  return new AudienceError('ERR_INVALID_OPTION', `"${path}" ${rule}`);
}

export function nonEmptyString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(path, 'must be a non-empty string');
  return value;
}

export function absoluteUrl(value: unknown, path: string, insecure: boolean): URL {
  const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
  if (!url) throw invalid(path, 'must be an absolute URL');
  if (url.protocol !== 'https:' && !(insecure && url.protocol === 'http:')) {
    throw invalid(path, 'must be an https URL (http is allowed only with dangerouslyAllowInsecureHttp, for local development)');
  }
  return url;
}

/**
 * Checks a resource indicator: an absolute URI without a fragment (RFC 8707 §2).
 *
 * @throws {AudienceError} `ERR_INVALID_OPTION` naming `path`.
 */
export function assertResource(value: unknown, path: string): string {
  if (typeof value !== 'string' || !URL.canParse(value) || new URL(value).hash !== '' || value.includes('#')) {
    throw invalid(path, 'must be an absolute URI without a fragment (RFC 8707 §2)');
  }
  return value;
}

/**
 * Wraps a check so that each value that passed is not checked again (up to 1 000 remembered), for hot paths that see
 * the same few values on every call.
 */
function once<T>(check: (value: unknown, path: string) => T): (value: unknown, path: string) => T {
  const passed = new Set<unknown>();
  return (value, path) => {
    if (passed.has(value)) return value as T;
    const checked = check(value, path);
    if (passed.size >= 1000) passed.clear();
    passed.add(value);
    return checked;
  };
}

/**
 * {@link assertResource}, remembering the resources that passed.
 *
 * @param value - the resource indicator.
 * @param path - the option path for the message.
 * @returns the resource indicator.
 * @throws {AudienceError} `ERR_INVALID_OPTION`.
 * @see RFC 8707 §2
 */
export const checkedResource: (value: unknown, path: string) => string = once(assertResource);
const checkedScope = once((value, path) => assertScopes([value], path)[0]);

/**
 * {@link assertScopes} for the hot path of every cache hit: each scope string that passed is not checked again.
 *
 * @param value - the scopes asked for, or undefined.
 * @param path - the option path for the message.
 * @returns the scopes.
 * @throws {AudienceError} `ERR_INVALID_OPTION` for anything but an array of scope strings without spaces.
 * @see RFC 6749 §3.3
 */
export function checkedScopes(value: unknown, path: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalid(path, SCOPES_RULE);
  for (const scope of value) checkedScope(scope, path);
  return value as readonly string[];
}

/** Checks a list of scopes: non-empty strings without spaces. */
export function assertScopes(value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.length > 0 && !/\s/.test(s))) {
    throw invalid(path, SCOPES_RULE);
  }
  return value as readonly string[];
}

export function positiveNumber(value: unknown, path: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalid(path, allowZero ? 'must be a number ≥ 0' : 'must be a positive number');
  }
  return value;
}

/** Checks that an optional option is a function. */
export function optionalFunction(value: unknown, path: string): void {
  if (value !== undefined && typeof value !== 'function') throw invalid(path, 'must be a function');
}
