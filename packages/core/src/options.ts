import { AudienceError } from './errors.js';
import type { LockFn } from './lock.js';
import type { KeyValueStore } from './store.js';

/** Options of {@link createOidcClient}. */
export interface OidcClientOptions {
  /** The issuer identifier; discovery is read from `{issuer}/.well-known/openid-configuration`. Must be https. */
  readonly issuer: string;
  readonly clientId: string;
  /** Where the server sends the browser back with the authorization response. */
  readonly redirectUri: string;
  /** Where the end-session endpoint sends the browser after sign-out. */
  readonly postLogoutRedirectUri?: string;
  /** Scopes asked for at sign-in; default `openid offline_access profile`. `openid` is required. */
  readonly scopes?: readonly string[];
  /** Resource indicators (RFC 8707) asked for at sign-in; `getAccessToken` accepts only these. */
  readonly resources?: readonly string[];
  /** Where the session lives. Share one store (and one lock) between clients that share a session. */
  readonly store: KeyValueStore;
  /** Held around every use of the refresh token; default: a lock within this realm. */
  readonly lock?: LockFn;
  /** The fetch implementation; looked up on every request, default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** The clock, in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** A token is treated as expired this many seconds before it expires; default 30. */
  readonly expiryLeewaySeconds?: number;
  /** Abort a request to the server after this many milliseconds; default 30 000. */
  readonly timeoutMs?: number;
  /** Send authorization requests through PAR (RFC 9126) even when the server does not require it. */
  readonly usePushedAuthorizationRequests?: boolean;
  /** The client secret of a confidential client (sent with `client_secret_basic`); public clients have none. */
  readonly clientSecret?: string;
  /**
   * DEVELOPMENT ONLY: allow an `http://` issuer, e.g. a local development server. Anyone on the network path can read
   * and change every token. Never enable this in production.
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

export interface ResolvedOptions {
  readonly issuer: URL;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string | undefined;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly store: KeyValueStore;
  readonly lock: LockFn | undefined;
  readonly fetch: typeof fetch | undefined;
  readonly now: () => number;
  readonly leewayMs: number;
  readonly timeoutMs: number;
  readonly usePar: boolean;
  readonly clientSecret: string | undefined;
  readonly insecure: boolean;
}

function invalid(path: string, rule: string): AudienceError {
  return new AudienceError('ERR_INVALID_OPTION', `"${path}" ${rule}`);
}

function nonEmptyString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalid(path, 'must be a non-empty string');
  return value;
}

function absoluteUrl(value: unknown, path: string, insecure: boolean): URL {
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

/** Checks a list of scopes: non-empty strings without spaces. */
export function assertScopes(value: unknown, path: string): readonly string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === 'string' && s.length > 0 && !/\s/.test(s))) {
    throw invalid(path, 'must be an array of scope strings without spaces');
  }
  return value as readonly string[];
}

function positiveNumber(value: unknown, path: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw invalid(path, allowZero ? 'must be a number ≥ 0' : 'must be a positive number');
  }
  return value;
}

const warnedInsecure = new Set<string>();

/** Says loudly, once per issuer, that the development-only http switch is on. */
export function warnInsecure(issuer: URL): void {
  if (warnedInsecure.has(issuer.href)) return;
  warnedInsecure.add(issuer.href);
  console.warn(`Audience: dangerouslyAllowInsecureHttp is on for ${issuer.href}. Tokens travel unencrypted; use it only for local development.`);
}

/** Validates the public options once, at the boundary, with messages that quote the option path. */
export function resolveOptions(options: OidcClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const insecure = options.dangerouslyAllowInsecureHttp === true;
  const store = options.store as Partial<KeyValueStore> | undefined;
  if (!store || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function') {
    throw invalid('options.store', 'must have get, set and delete functions');
  }
  for (const fn of ['lock', 'fetch', 'now'] as const) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') throw invalid(`options.${fn}`, 'must be a function');
  }
  const scopes = options.scopes === undefined ? ['openid', 'offline_access', 'profile'] : assertScopes(options.scopes, 'options.scopes');
  if (!scopes.includes('openid')) throw invalid('options.scopes', 'must include "openid"');
  const resources = (options.resources ?? []).map((r, i) => assertResource(r, `options.resources[${i}]`));
  const issuer = absoluteUrl(options.issuer, 'options.issuer', insecure);
  const redirectUri = absoluteUrl(options.redirectUri, 'options.redirectUri', true).href;
  if (options.postLogoutRedirectUri !== undefined) absoluteUrl(options.postLogoutRedirectUri, 'options.postLogoutRedirectUri', true);
  if (options.clientSecret !== undefined) nonEmptyString(options.clientSecret, 'options.clientSecret');
  if (insecure) warnInsecure(issuer);
  return {
    issuer,
    clientId: nonEmptyString(options.clientId, 'options.clientId'),
    redirectUri,
    postLogoutRedirectUri: options.postLogoutRedirectUri,
    scopes,
    resources,
    store: options.store,
    lock: options.lock,
    fetch: options.fetch,
    now: options.now ?? Date.now,
    leewayMs: positiveNumber(options.expiryLeewaySeconds, 'options.expiryLeewaySeconds', 30, true) * 1000,
    timeoutMs: positiveNumber(options.timeoutMs, 'options.timeoutMs', 30_000),
    usePar: options.usePushedAuthorizationRequests === true,
    clientSecret: options.clientSecret,
    insecure,
  };
}
