/** The claims of a validated ID token. */
export interface IdTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: string | readonly string[];
  readonly exp: number;
  readonly iat: number;
  readonly nonce?: string;
  readonly [claim: string]: unknown;
}

/** An access token as it is cached: one per resource (and scope set). */
export interface StoredToken {
  readonly accessToken: string;
  /** Epoch milliseconds after which the token must not be used (before the leeway is applied). */
  readonly expiresAt: number;
  /** Epoch milliseconds when it was requested: the leeway is capped to a share of the lifetime. */
  readonly obtainedAt?: number;
  /** The resource it was issued for; absent for the userinfo token. */
  readonly resource?: string;
  readonly scope?: string;
}

/**
 * Everything a signed-in client keeps, as one record under {@link SESSION_KEY}. Its access tokens live inside it, so
 * clearing the session clears them too, and every change is a read-modify-write of this record under the refresh
 * lock (never a rewrite from memory).
 */
export interface StoredSession {
  readonly version: 1;
  /** Random per sign-in, so that a refresh started under an older session never writes into a newer one. */
  readonly id: string;
  readonly sub: string;
  readonly idToken: string;
  readonly claims: IdTokenClaims;
  readonly refreshToken?: string;
  /** The resource indicators granted at sign-in: the only ones a refresh may ask for. */
  readonly resources: readonly string[];
  readonly tokens: Readonly<Record<string, StoredToken>>;
}

/** The store key of the session record. Store wrappers (cross-tab announcements, memory-only tokens) key on it. */
export const SESSION_KEY = 'session';

/** The store key of a pending sign-in, by its `state`. */
export const transactionKey = (state: string): string => `transaction:${state}`;

/**
 * Where a token for `resource` (and `scopes`) is cached. The userinfo token is the empty resource.
 *
 * @param resource - the resource indicator, or undefined for the userinfo token.
 * @param scopes - the scopes asked for, if any (order and duplicates do not matter).
 * @returns the cache key.
 * @see RFC 8707 §2
 */
export function cacheKey(resource: string | undefined, scopes: readonly string[] | undefined): string {
  return scopes?.length ? `${resource ?? ''} ${[...new Set(scopes)].sort().join(' ')}` : (resource ?? '');
}

/** The leeway never takes more than this share of a token's lifetime, so a short-lived token is still cached. */
const MAX_LEEWAY_SHARE = 0.25;

/**
 * Until when (epoch ms) a token may be handed out: its expiry minus the leeway, where the leeway is at most a
 * quarter of the token's lifetime. Without the cap, a token that lives no longer than the leeway (a 20 s token and
 * the default 30 s) would never be reused: every call would spend the refresh token again.
 *
 * @param token - `expiresAt` and, when known, `obtainedAt`.
 * @param leewayMs - the configured leeway.
 * @returns the last instant at which the token counts as fresh.
 */
export function usableUntil(token: { readonly expiresAt: number; readonly obtainedAt?: number | undefined }, leewayMs: number): number {
  const lifetime = token.obtainedAt === undefined ? Infinity : token.expiresAt - token.obtainedAt;
  return token.expiresAt - Math.min(leewayMs, Math.max(0, lifetime) * MAX_LEEWAY_SHARE);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

function isStoredToken(value: unknown): value is StoredToken {
  return (
    isObject(value) &&
    isString(value['accessToken']) &&
    typeof value['expiresAt'] === 'number' &&
    (value['obtainedAt'] === undefined || typeof value['obtainedAt'] === 'number') &&
    (value['resource'] === undefined || typeof value['resource'] === 'string') &&
    (value['scope'] === undefined || typeof value['scope'] === 'string')
  );
}

/**
 * A stored value is used only when it has the whole shape this version writes; anything else (a tampered or
 * half-written IndexedDB value, another version's record) counts as no session, never as a TypeError later.
 *
 * @param value - what the store returned.
 * @returns the session, or undefined.
 */
export function asSession(value: unknown): StoredSession | undefined {
  if (!isObject(value)) return undefined;
  const { version, id, sub, idToken, claims, refreshToken, resources, tokens } = value;
  const valid =
    version === 1 &&
    isString(id) &&
    isString(sub) &&
    isString(idToken) &&
    isObject(claims) &&
    claims['sub'] === sub &&
    (refreshToken === undefined || isString(refreshToken)) &&
    Array.isArray(resources) &&
    resources.every((r) => typeof r === 'string') &&
    isObject(tokens) &&
    Object.values(tokens).every(isStoredToken);
  return valid ? (value as unknown as StoredSession) : undefined;
}
