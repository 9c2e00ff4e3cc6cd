import * as oauth from 'oauth4webapi';
import { AudienceError, isAudienceError, type AudienceErrorCode } from './errors.js';

/** The option a server's error points at (RFC 6749 §4.1.2.1, §5.2; RFC 8707 §2; RFC 9126 §2.3). */
const OPTION_TO_CHECK: Readonly<Record<string, string>> = {
  invalid_client: 'clientId',
  unauthorized_client: 'clientId',
  invalid_scope: 'scopes',
  invalid_target: 'resources',
};

function statusOf(err: oauth.OperationProcessingError): number | undefined {
  const cause = err.cause as unknown;
  return cause instanceof Response ? cause.status : undefined;
}

/**
 * Maps anything a protocol step threw to an {@link AudienceError}, keeping it as `cause`.
 *
 * @param err - what was thrown.
 * @param step - what was being done, for the message ("refreshing the access token for https://api.example.com").
 * @param validation - the code for a response that arrived but failed validation (default `ERR_SERVER_RESPONSE`).
 * @returns the Audience error, its cause a redacted copy of `err`.
 * @see AudienceErrorCode
 */
export function toAudienceError(err: unknown, step: string, validation: AudienceErrorCode = 'ERR_SERVER_RESPONSE'): AudienceError {
  if (isAudienceError(err)) return err;
  if (err instanceof oauth.ResponseBodyError || err instanceof oauth.AuthorizationResponseError) {
    // The server said what went wrong: keep its `error` and `error_description`.
    const details = { cause: err, error: err.error, ...(err.error_description ? { errorDescription: err.error_description } : {}) };
    const said = `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`;
    const status = err instanceof oauth.ResponseBodyError ? err.status : 0;
    const code: AudienceErrorCode =
      err instanceof oauth.AuthorizationResponseError
        ? 'ERR_CALLBACK'
        : status >= 500
          ? 'ERR_SERVER_RESPONSE'
          : err.error === 'invalid_grant'
            ? 'ERR_LOGIN_REQUIRED' // the refresh token (or code) is no longer accepted
            : err.error === 'invalid_target'
              ? 'ERR_INVALID_RESOURCE'
              : 'ERR_OAUTH';
    const check = /redirect_uri/.test(said) ? 'redirectUri' : OPTION_TO_CHECK[err.error];
    return new AudienceError(code, `${step} failed: the server answered ${status >= 500 ? `${status} (${said})` : said}${check ? `; check "options.${check}"` : ''}`, details);
  }
  if (err instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = err.cause[0];
    const error = challenge?.parameters.error;
    return new AudienceError(err.status >= 500 ? 'ERR_SERVER_RESPONSE' : 'ERR_OAUTH', `${step} failed: the server answered ${err.status}${error ? ` (${error})` : ''}`, {
      cause: err,
      ...(error ? { error } : {}),
    });
  }
  if (err instanceof oauth.OperationProcessingError) {
    const status = statusOf(err);
    if (status !== undefined && status >= 500) {
      return new AudienceError('ERR_SERVER_RESPONSE', `${step} failed: the server answered ${status}`, { cause: err });
    }
    const code = err.code === oauth.PARSE_ERROR || err.code === oauth.RESPONSE_IS_NOT_JSON || err.code === oauth.RESPONSE_IS_NOT_CONFORM ? 'ERR_SERVER_RESPONSE' : validation;
    return new AudienceError(code, `${step} failed: ${err.message}`, { cause: err });
  }
  if (err instanceof oauth.UnsupportedOperationError) {
    return new AudienceError(validation, `${step} failed: ${err.message}`, { cause: err });
  }
  if (err instanceof TypeError && typeof (err as { code?: unknown }).code === 'string') {
    // oauth4webapi's own argument checks (ERR_INVALID_ARG_*): a response it could not even look at.
    return new AudienceError(validation, `${step} failed: ${err.message}`, { cause: err });
  }
  // fetch rejects with a TypeError on a network failure, and with a DOMException on abort/timeout.
  const name = err instanceof Error ? err.name : '';
  if (err instanceof TypeError || name === 'AbortError' || name === 'TimeoutError') {
    return new AudienceError('ERR_NETWORK', `${step} failed: ${name === 'TimeoutError' ? 'the request timed out' : 'no answer from the server'}`, { cause: err });
  }
  return new AudienceError(validation, `${step} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
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
