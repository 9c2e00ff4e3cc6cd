import type * as oauth from 'oauth4webapi';
import { audiencesOf, readJwtPayload } from './jwt-payload.js';
import { cacheKey, type StoredToken } from './session.js';

/** Lifetime assumed for a token whose response says nothing about it (no `expires_in`, not a JWT with `exp`). */
const UNKNOWN_LIFETIME_MS = 60_000;

/** Where a token from a token response belongs, and until when it may be used. */
export interface PlacedToken {
  /** The cache key the token really belongs under. */
  readonly key: string;
  readonly token: StoredToken;
  /** Set when the token is not what was asked for (a resource's JWT when the userinfo token was asked for). */
  readonly misplaced?: string;
}

/**
 * Decides, from the response itself, what a token is for and until when it may be used.
 *
 * Expiry is the earlier of request time + `expires_in` (RFC 6749 §5.1) and a JWT's `exp`. A JWT whose `aud` is not
 * the requested resource is refused; a JWT for a granted resource that came back when no resource was asked for
 * (some servers do that) is filed under that resource and never handed out as the userinfo token.
 *
 * @param response - the validated token endpoint response.
 * @param requestedAt - epoch ms when the request was sent.
 * @param resource - the resource asked for, or undefined for the userinfo token.
 * @param scopes - the scopes asked for, if any.
 * @param grantedResources - the resources of the session.
 */
export function placeToken(
  response: oauth.TokenEndpointResponse,
  requestedAt: number,
  resource: string | undefined,
  scopes: readonly string[] | undefined,
  grantedResources: readonly string[],
): PlacedToken {
  const payload = readJwtPayload(response.access_token);
  const audiences = payload ? audiencesOf(payload) : [];
  const candidates: number[] = [];
  if (typeof response.expires_in === 'number') candidates.push(requestedAt + response.expires_in * 1000);
  if (typeof payload?.['exp'] === 'number') candidates.push(payload['exp'] * 1000);
  const expiresAt = candidates.length > 0 ? Math.min(...candidates) : requestedAt + UNKNOWN_LIFETIME_MS;
  const base = { accessToken: response.access_token, expiresAt, obtainedAt: requestedAt, ...(response.scope ? { scope: response.scope } : {}) };

  if (resource !== undefined) {
    const token: StoredToken = { ...base, resource };
    if (audiences.length > 0 && !audiences.includes(resource)) {
      return { key: cacheKey(resource, scopes), token, misplaced: `a token for ${audiences.join(', ')}` };
    }
    return { key: cacheKey(resource, scopes), token };
  }
  const granted = audiences.find((aud) => grantedResources.includes(aud));
  if (granted !== undefined) {
    return { key: cacheKey(granted, undefined), token: { ...base, resource: granted }, misplaced: `a token for ${granted}` };
  }
  return { key: cacheKey(undefined, scopes), token: base };
}
