import * as oauth from 'oauth4webapi';
import { AudienceError, isAudienceError, type AudienceErrorCode, type AudienceErrorOptions } from './errors.js';

/** The option a server's error points at (RFC 6749 §4.1.2.1, §5.2; RFC 8707 §2; RFC 9126 §2.3). */
const OPTION_TO_CHECK: Readonly<Record<string, string>> = {
  invalid_client: 'clientId',
  unauthorized_client: 'clientId',
  invalid_scope: 'scopes',
  invalid_target: 'resources',
};

/**
 * Maps anything a protocol step threw to an {@link AudienceError}, keeping it as `cause`.
 *
 * @param err - what was thrown.
 * @param step - what was being done, for the message ("refreshing the token for https://api.example.com").
 * @param validation - the code for a response that arrived but failed validation (default `ERR_SERVER_RESPONSE`).
 * @returns the Audience error, its cause a redacted copy of `err`.
 * @see AudienceErrorCode
 */
export function toAudienceError(err: unknown, step: string, validation: AudienceErrorCode = 'ERR_SERVER_RESPONSE'): AudienceError {
  if (isAudienceError(err)) return err;
  const { name, code: argCode } = (err ?? {}) as { name?: unknown; code?: unknown };
  const status =
    err instanceof oauth.ResponseBodyError || err instanceof oauth.WWWAuthenticateChallengeError
      ? err.status
      : err instanceof oauth.OperationProcessingError && err.cause instanceof Response
        ? err.cause.status
        : 0;
  let code = validation;
  let detail = err instanceof Error ? err.message : String(err);
  let said: AudienceErrorOptions = {};
  if (err instanceof oauth.ResponseBodyError || err instanceof oauth.AuthorizationResponseError) {
    // The server said what went wrong: keep its `error` and `error_description`.
    const { error, error_description: description } = err;
    code = !status ? 'ERR_CALLBACK' : error === 'invalid_grant' ? 'ERR_LOGIN_REQUIRED' : error === 'invalid_target' ? 'ERR_INVALID_RESOURCE' : 'ERR_OAUTH';
    detail = description ? `${error}: ${description}` : error;
    const check = /redirect_uri/.test(detail) ? 'redirectUri' : OPTION_TO_CHECK[error];
    if (check) detail += `; check "options.${check}"`;
    said = description ? { error, errorDescription: description } : { error };
  } else if (err instanceof oauth.WWWAuthenticateChallengeError) {
    const error = err.cause[0]?.parameters.error;
    code = 'ERR_OAUTH';
    detail = error ?? '';
    if (error) said = { error };
  } else if (err instanceof oauth.OperationProcessingError) {
    if ([oauth.PARSE_ERROR, oauth.RESPONSE_IS_NOT_JSON, oauth.RESPONSE_IS_NOT_CONFORM].includes(err.code!)) code = 'ERR_SERVER_RESPONSE';
  } else if ((err instanceof TypeError && typeof argCode !== 'string') || name === 'AbortError' || name === 'TimeoutError') {
    // fetch rejects with a TypeError on a network failure, and with a DOMException on abort/timeout; a TypeError
    // with a code is oauth4webapi's own argument check (ERR_INVALID_ARG_*), a response it could not look at.
    code = 'ERR_NETWORK';
    detail = name === 'TimeoutError' ? 'the request timed out' : 'no answer from the server';
  }
  if (status >= 500) code = 'ERR_SERVER_RESPONSE';
  return new AudienceError(code, `${step} failed: ${status ? `the server answered ${status}${detail ? ` (${detail})` : ''}` : detail}`, { cause: err, ...said });
}

/**
 * Whether oauth4webapi refused a response because of its ID token (claims, timestamps, signing key or algorithm),
 * as opposed to the rest of the token response (`token_type`, `expires_in`, `scope`, …).
 *
 * @param err - what a `process…Response` function threw.
 * @returns true for an ID token failure (reported as `ERR_ID_TOKEN`).
 * @see OpenID Connect Core §3.1.3.7
 */
export function isIdTokenFailure(err: unknown): boolean {
  if (err instanceof oauth.UnsupportedOperationError) return /JWS|JWT|JWE/.test(err.message);
  if (!(err instanceof oauth.OperationProcessingError)) return false;
  return (
    err.code === oauth.JWT_CLAIM_COMPARISON ||
    err.code === oauth.JWT_TIMESTAMP_CHECK ||
    err.code === oauth.KEY_SELECTION ||
    (err.code === oauth.INVALID_RESPONSE && /id_token|ID Token|JWT/i.test(err.message))
  );
}
