import type { IncomingMessage, ServerResponse } from 'node:http';
import { isAudienceError } from '@audience/core';
import type { AccessTokenClaims, ResourceServer } from './resource-server.js';

/** The HTTP answer for a failed verification. */
export interface BearerErrorResponse {
  readonly status: 401 | 403 | 500 | 503;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { readonly error: string; readonly error_description: string };
}

/**
 * Maps a `verifyAccessToken` failure to the HTTP answer RFC 6750 prescribes: 401 `invalid_token` with a
 * `WWW-Authenticate: Bearer` challenge (only for `ERR_INVALID_TOKEN`: the caller's token is at fault), 403
 * `insufficient_scope`, 503 when the issuer could not be reached or answered badly, and 500 for anything else, such as
 * the introspection endpoint refusing this API's own credentials (`invalid_client`): the API's fault, not the token's.
 *
 * @param err - what `verifyAccessToken` threw.
 * @param requiredScopes - the scopes the route needs, named in the challenge of a 403.
 * @returns status, headers and JSON body.
 * @see RFC 6750 §3, §3.1
 */
export function bearerErrorResponse(err: unknown, requiredScopes: readonly string[] = []): BearerErrorResponse {
  const description = (err instanceof Error ? err.message : 'invalid token').replace(/["\\]/g, "'");
  if (isAudienceError(err, 'ERR_INSUFFICIENT_SCOPE')) {
    return {
      status: 403,
      headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${requiredScopes.join(' ')}", error_description="${description}"` },
      body: { error: 'insufficient_scope', error_description: description },
    };
  }
  if (isAudienceError(err, 'ERR_NETWORK') || isAudienceError(err, 'ERR_SERVER_RESPONSE')) {
    return { status: 503, headers: { 'retry-after': '5' }, body: { error: 'temporarily_unavailable', error_description: description } };
  }
  if (isAudienceError(err, 'ERR_INVALID_TOKEN')) {
    return {
      status: 401,
      headers: { 'www-authenticate': `Bearer error="invalid_token", error_description="${description}"` },
      body: { error: 'invalid_token', error_description: description },
    };
  }
  // The API could not decide (its own configuration or credentials): say nothing about it to the caller.
  return { status: 500, headers: {}, body: { error: 'server_error', error_description: 'The API could not verify the access token' } };
}

/** A `node:http` request after {@link requireAccessToken} let it through. */
export type AuthenticatedRequest = IncomingMessage & { auth: AccessTokenClaims };

/**
 * Middleware for `node:http`-style handlers (Express and Connect included): verifies the bearer token, sets
 * `req.auth` to its claims and calls `next()`, or answers 401 / 403 / 503 itself.
 *
 * @param server - the resource server.
 * @param options - `requiredScopes` for this route.
 * @returns `(req, res, next) => void`.
 * @see RFC 6750 §2.1, §3
 * @example
 * http.createServer((req, res) => requireAccessToken(api, { requiredScopes: ['read'] })(req, res, () => {
 *   res.end(JSON.stringify({ hello: (req as AuthenticatedRequest).auth.sub }));
 * }));
 */
export function requireAccessToken(
  server: ResourceServer,
  options: { readonly requiredScopes?: readonly string[] } = {},
): (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void {
  return (req, res, next) => {
    server.verifyAccessToken(req, options).then(
      (claims) => {
        (req as AuthenticatedRequest).auth = claims;
        next();
      },
      (err: unknown) => {
        const answer = bearerErrorResponse(err, options.requiredScopes);
        res.writeHead(answer.status, { ...answer.headers, 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(answer.body));
      },
    );
  };
}
