import * as oauth from 'oauth4webapi';
import { AudienceError, clientWithClock, toAudienceError } from '@audience/core';
import { DEFAULT_MAX_ENTRIES, createIntrospectionCache } from './introspection-cache.js';
import { createJwksRefresh } from './jwks-refresh.js';
import { shareConcurrentGets } from './shared-downloads.js';
import { issuerContextOf, requireString, type ServerSideOptions } from './service-options.js';

/** Options of {@link createResourceServer}. */
export interface ResourceServerOptions extends ServerSideOptions {
  /**
   * This API's identifier: the `aud` its access tokens must carry. A resource indicator URL (RFC 8707), or any
   * other string your issuer uses (`my-api`, a GUID).
   */
  readonly audience: string;
  /** Credentials of this API at the introspection endpoint, for opaque tokens (RFC 7662). */
  readonly introspection?: { readonly clientId: string; readonly clientSecret: string };
  /**
   * Seconds an active introspection result is reused (never past the token's `exp`); default 0, so that a revoked
   * token is refused at once. Opting in trades that for fewer introspection requests.
   */
  readonly introspectionCacheSeconds?: number;
  /** Most introspection results kept when caching; default 10 000. */
  readonly introspectionCacheMaxEntries?: number;
  /** Allowed clock difference for `exp`, `nbf` and `iat`, in seconds; default 30. */
  readonly clockToleranceSeconds?: number;
}

/** The verified claims of an access token. */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp: number;
  readonly client_id?: string;
  /** The granted scopes, split. */
  readonly scope: readonly string[];
  readonly [claim: string]: unknown;
}

/** Something carrying a bearer token: the token itself, a fetch `Request`, or a `node:http` request. */
export type TokenSource = string | Request | { readonly headers: Record<string, string | string[] | undefined> };

/** An API that verifies the access tokens it receives. */
export interface ResourceServer {
  /**
   * Verifies an access token for this API. A JWT (RFC 9068) is verified offline against the issuer's JWKS
   * (signature, `typ`, `iss`, `aud`, `exp`/`nbf`); an opaque token is introspected (RFC 7662).
   *
   * @param source - the token, or a request with `Authorization: Bearer …`.
   * @param options - `requiredScopes` that must all be granted.
   * @returns the token's claims.
   * @throws {AudienceError} `ERR_INVALID_TOKEN` (missing, malformed, expired, revoked, not for this API: HTTP 401),
   *   `ERR_INSUFFICIENT_SCOPE` (HTTP 403), `ERR_NETWORK` / `ERR_SERVER_RESPONSE` (JWKS or introspection failed: 503),
   *   `ERR_OAUTH` (the introspection endpoint refused this API's credentials, e.g. `invalid_client`: 500).
   * @see RFC 9068 §4, RFC 7662 §2, RFC 6750 §3.1
   */
  verifyAccessToken(source: TokenSource, options?: { readonly requiredScopes?: readonly string[] }): Promise<AccessTokenClaims>;
}

function bearerToken(source: TokenSource): string {
  if (typeof source === 'string') return source;
  const header = source instanceof Request ? source.headers.get('authorization') : source.headers['authorization'];
  const value = Array.isArray(header) ? header[0] : header;
  // RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token (the scheme in any case, RFC 9110 §11.1).
  const match = typeof value === 'string' ? /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i.exec(value.trim()) : null;
  if (!match?.[1]) throw new AudienceError('ERR_INVALID_TOKEN', 'No bearer token in the Authorization header');
  return match[1];
}

function claimsFrom(payload: Record<string, unknown>): AccessTokenClaims {
  const aud = payload['aud'];
  return {
    ...payload,
    iss: String(payload['iss']),
    sub: String(payload['sub'] ?? payload['client_id']),
    aud: Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)],
    exp: Number(payload['exp']),
    scope: typeof payload['scope'] === 'string' ? payload['scope'].split(' ').filter(Boolean) : [],
  };
}

/**
 * Creates the verifier of an API (a resource server).
 *
 * @param options - issuer, this API's audience, and introspection credentials for opaque tokens.
 * @returns the resource server.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the option.
 * @see RFC 9068, RFC 7662, RFC 8707
 * @example
 * const api = createResourceServer({ issuer, audience: 'https://api.example.com' });
 * const claims = await api.verifyAccessToken(request, { requiredScopes: ['read'] });
 */
export function createResourceServer(options: ResourceServerOptions): ResourceServer {
  const context = issuerContextOf(options);
  const audience = requireString(options.audience, 'options.audience');
  const toleranceSeconds = options.clockToleranceSeconds ?? 30;
  const cacheSeconds = options.introspectionCacheSeconds ?? 0;
  if (!(typeof cacheSeconds === 'number' && cacheSeconds >= 0)) throw new AudienceError('ERR_INVALID_OPTION', '"options.introspectionCacheSeconds" must be a number ≥ 0');
  const maxEntries = options.introspectionCacheMaxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!(Number.isInteger(maxEntries) && maxEntries > 0)) throw new AudienceError('ERR_INVALID_OPTION', '"options.introspectionCacheMaxEntries" must be a positive integer');
  const { now, http, metadata } = context;
  const keys = createJwksRefresh(now);
  const download = shareConcurrentGets((url, init) => http()[oauth.customFetch](url, init));
  // The request is only a carrier of the Authorization header for oauth4webapi; its URL is not checked for Bearer
  // tokens, and an audience need not be a URL.
  const carrierUrl = URL.canParse(audience) ? audience : 'https://resource-server.invalid/';
  const introspector = options.introspection && {
    clientId: requireString(options.introspection.clientId, 'options.introspection.clientId'),
    auth: oauth.ClientSecretBasic(requireString(options.introspection.clientSecret, 'options.introspection.clientSecret')),
  };
  const introspected = createIntrospectionCache<AccessTokenClaims>({ ttlMs: cacheSeconds * 1000, maxEntries, now });

  async function verifyJwt(as: oauth.AuthorizationServer, token: string): Promise<AccessTokenClaims> {
    try {
      const claims = await keys.verify(as, (current) =>
        oauth.validateJwtAccessToken(current, new Request(carrierUrl, { headers: { authorization: `Bearer ${token}` } }), audience, {
          ...http(),
          [oauth.customFetch]: download,
          [oauth.clockSkew]: Math.round((now() - Date.now()) / 1000),
          [oauth.clockTolerance]: toleranceSeconds,
        }),
      );
      return claimsFrom(claims as unknown as Record<string, unknown>);
    } catch (err) {
      const mapped = toAudienceError(err, 'verifying the access token');
      // The JWKS could not be fetched: a server problem (503), not a bad token (401).
      if (mapped.code === 'ERR_NETWORK') throw mapped;
      if (err instanceof oauth.OperationProcessingError && err.cause instanceof Response) {
        throw new AudienceError('ERR_SERVER_RESPONSE', `Fetching the issuer's keys failed: ${err.message}`, { cause: err });
      }
      throw new AudienceError('ERR_INVALID_TOKEN', `The access token is not valid for ${audience}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }

  async function introspect(as: oauth.AuthorizationServer, token: string): Promise<{ value: AccessTokenClaims; until: number }> {
    if (!introspector) {
      throw new AudienceError('ERR_INVALID_TOKEN', 'The access token is opaque and options.introspection is not configured');
    }
    const client = clientWithClock(introspector.clientId, now);
    let response: oauth.IntrospectionResponse;
    try {
      response = await oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, introspector.auth, token, http()));
    } catch (err) {
      // Whatever the introspection endpoint refused (invalid_client: this API's own credentials) is the API's
      // problem, never the caller's token: it is not mapped to ERR_INVALID_TOKEN.
      throw toAudienceError(err, 'introspecting the access token');
    }
    if (!response.active) throw new AudienceError('ERR_INVALID_TOKEN', 'The access token is not active (expired, revoked or unknown)');
    const claims = claimsFrom(response as unknown as Record<string, unknown>);
    if (response.iss !== undefined && response.iss !== as.issuer) {
      throw new AudienceError('ERR_INVALID_TOKEN', `The access token was issued by ${response.iss}, not ${as.issuer}`);
    }
    // Only an access token issued for this API: a refresh token, or an access token without an audience (the
    // userinfo token), is active at the issuer too, but it is not a credential for this API (RFC 8707 §2, RFC 7662 §2.2).
    const tokenType = (response as { token_type?: unknown }).token_type;
    if (typeof tokenType === 'string' && /^refresh[_ ]token$/i.test(tokenType)) {
      throw new AudienceError('ERR_INVALID_TOKEN', 'A refresh token is not an access token');
    }
    if (!claims.aud.includes(audience)) {
      throw new AudienceError('ERR_INVALID_TOKEN', claims.aud.length === 0 ? `The access token has no audience; ${audience} accepts only tokens issued for it` : `The access token is for ${claims.aud.join(', ')}, not ${audience}`);
    }
    if (!Number.isFinite(claims.exp)) throw new AudienceError('ERR_INVALID_TOKEN', 'The introspected token has no expiry ("exp")');
    if (claims.exp * 1000 <= now()) throw new AudienceError('ERR_INVALID_TOKEN', 'The access token has expired');
    return { value: claims, until: claims.exp * 1000 };
  }

  return {
    async verifyAccessToken(source, verifyOptions = {}) {
      const token = bearerToken(source);
      const as = await metadata();
      const claims = token.split('.').length === 3 ? await verifyJwt(as, token) : await introspected.get(token, () => introspect(as, token));
      const missing = (verifyOptions.requiredScopes ?? []).filter((s) => !claims.scope.includes(s));
      if (missing.length > 0) {
        throw new AudienceError('ERR_INSUFFICIENT_SCOPE', `The access token lacks the scope ${missing.join(' ')}`, { error: 'insufficient_scope' });
      }
      return claims;
    },
  };
}
