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

export const SESSION_KEY = 'session';

/** The store key of a pending sign-in, by its `state`. */
export const transactionKey = (state: string): string => `transaction:${state}`;

/** Where a token for `resource` (and `scopes`) is cached. The userinfo token is the empty resource. */
export function cacheKey(resource: string | undefined, scopes: readonly string[] | undefined): string {
  const scopePart = scopes && scopes.length > 0 ? ` ${[...new Set(scopes)].sort().join(' ')}` : '';
  return `${resource ?? ''}${scopePart}`;
}

/** A stored value is used only when it has the shape this version writes; anything else counts as no session. */
export function asSession(value: unknown): StoredSession | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const s = value as Partial<StoredSession>;
  return s.version === 1 && typeof s.id === 'string' && typeof s.sub === 'string' && typeof s.tokens === 'object'
    ? (s as StoredSession)
    : undefined;
}
