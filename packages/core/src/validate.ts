import { AudienceError } from './errors.js';
import { cacheKey } from './session.js';

// The one options validator of every Audience package: checks at the public boundary, messages that quote the path.

/** An `ERR_INVALID_OPTION` naming the option: `"options.issuer" must be an absolute URL`. */
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
    throw invalid(path, 'must be an https URL (http only with dangerouslyAllowInsecureHttp, for local development)');
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

/** Resources that passed, and cache keys of resource + one scope that passed, by resource then scope. */
const checkedResources = new Set<unknown>();
const checkedKeys = new Map<unknown, Map<unknown, string>>();

/**
 * The arguments of `getAccessToken` checked and turned into their cache key, for the hot path of every cache hit: a
 * resource with no scope or one scope that passed before costs one or two lookups, no check and no new string (at
 * most 1 000 resources × 1 000 scopes are remembered).
 *
 * @param resource - the resource indicator; undefined (the userinfo token) only when `optional`.
 * @param scopes - the scopes asked for, or undefined.
 * @param optional - whether the resource may be left out.
 * @returns the cache key ({@link cacheKey}).
 * @throws {AudienceError} `ERR_INVALID_OPTION` naming `resource` or `options.scopes`.
 * @see RFC 8707 §2, RFC 6749 §3.3
 */
export function checkedCacheKey(resource: unknown, scopes: unknown, optional: boolean): string {
  // The memo is shared by every client: what one may leave out (core's userinfo token) another must not (a service).
  if (resource === undefined && !optional) assertResource(resource, 'resource');
  if (scopes === undefined) {
    if (resource === undefined) return '';
    if (!checkedResources.has(resource)) {
      assertResource(resource, 'resource');
      if (checkedResources.size >= 1000) checkedResources.clear();
      checkedResources.add(resource);
    }
    return resource as string;
  }
  const scope: unknown = Array.isArray(scopes) && scopes.length === 1 ? scopes[0] : undefined;
  let byScope = checkedKeys.get(resource);
  const known = scope === undefined ? undefined : byScope?.get(scope);
  if (known !== undefined) return known;
  if (resource !== undefined) assertResource(resource, 'resource');
  const key = cacheKey(resource as string | undefined, assertScopes(scopes, 'options.scopes'));
  if (scope !== undefined) {
    if (!byScope) {
      if (checkedKeys.size >= 1000) checkedKeys.clear();
      checkedKeys.set(resource, (byScope = new Map()));
    }
    if (byScope.size >= 1000) byScope.clear();
    byScope.set(scope, key);
  }
  return key;
}

/** Checks a list of scopes: non-empty strings without spaces. */
export function assertScopes(value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.length > 0 && !/\s/.test(s))) {
    throw invalid(path, 'must be an array of scope strings without spaces');
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
