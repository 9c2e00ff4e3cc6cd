/**
 * Every failure Audience reports, as a closed union so that callers can `switch` on it exhaustively.
 *
 * - `ERR_INVALID_OPTION`: the caller passed a bad option or argument; the message names it.
 * - `ERR_LOGIN_REQUIRED`: there is no session, or the server said the refresh token is invalid (`invalid_grant`);
 *   the session has been cleared.
 * - `ERR_NETWORK`: the request did not get an answer (connection failed, timed out, aborted).
 * - `ERR_SERVER_RESPONSE`: the server answered with a 5xx, a body that is not JSON, or a body that fails validation.
 * - `ERR_OAUTH`: the server answered with an OAuth error other than the ones above (`error` is kept).
 * - `ERR_INVALID_RESOURCE`: a resource indicator that this session may not use (RFC 8707 `invalid_target`).
 * - `ERR_CALLBACK`: the authorization response is unusable (state, `iss`, replay, or an `error` from the server).
 * - `ERR_ID_TOKEN`: the ID token failed a check (signature, `iss`, `aud`, `azp`, `exp`, `iat`, `nonce`, `sub`).
 * - `ERR_INVALID_TOKEN`: an access token presented to an API is missing, malformed, expired or not for it.
 * - `ERR_INSUFFICIENT_SCOPE`: an access token lacks a scope the API requires.
 * - `ERR_LOCK_LOST`: a write was refused because the lock it was made under had been taken over (a fenced store);
 *   nothing was written, and Audience retries behind the new holder.
 */
export type AudienceErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_LOGIN_REQUIRED'
  | 'ERR_NETWORK'
  | 'ERR_SERVER_RESPONSE'
  | 'ERR_OAUTH'
  | 'ERR_INVALID_RESOURCE'
  | 'ERR_CALLBACK'
  | 'ERR_ID_TOKEN'
  | 'ERR_INVALID_TOKEN'
  | 'ERR_INSUFFICIENT_SCOPE'
  | 'ERR_LOCK_LOST';

/** What an {@link AudienceError} carries beside its code and message. */
export interface AudienceErrorOptions {
  /**
   * What caused it: the oauth4webapi error, the fetch failure. Kept as a redacted copy:
   * name, message, `code`, `status`, `error`, `error_description` and its own cause, but never a response body,
   * token claims or a `Response`, which can hold access, refresh and ID tokens.
   */
  readonly cause?: unknown;
  /** The OAuth `error` code the server sent, when it sent one. */
  readonly error?: string;
  /** The OAuth `error_description` the server sent, when it sent one. */
  readonly errorDescription?: string;
}

const BRAND = Symbol.for('audience.error');

const KEPT_FIELDS = ['code', 'status', 'error', 'error_description'] as const;

/**
 * A copy of a thrown value that keeps what explains the failure and drops what may carry secrets. oauth4webapi
 * attaches the whole token response body (`cause.body`), the JWT claims or the `Response` to its errors; an
 * `util.inspect(err)` or a `console.error(err)` of ours must never print a token, code or secret.
 *
 * @param value - what was thrown.
 * @returns an Audience error as it is (already redacted), a redacted `Error` copy, or undefined for anything else.
 */
export function redactCause(value: unknown, depth = 0): Error | undefined {
  if (isAudienceError(value)) return value;
  if (!(value instanceof Error) || depth > 4) return undefined;
  const nested = redactCause(value.cause, depth + 1);
  // A fetch failure stays a TypeError; oauth4webapi's classes become a plain Error.
  const copy = new (value.constructor === TypeError ? TypeError : Error)(value.message, nested ? { cause: nested } : undefined);
  copy.name = value.name;
  for (const field of KEPT_FIELDS) {
    const kept = (value as unknown as Record<string, unknown>)[field];
    if (typeof kept === 'string' || typeof kept === 'number') (copy as unknown as Record<string, unknown>)[field] = kept;
  }
  if (value.stack !== undefined) copy.stack = value.stack;
  return copy;
}

/** The one error class Audience throws. Check it with {@link isAudienceError}, then switch on `code`. */
export class AudienceError extends Error {
  override readonly name = 'AudienceError';
  readonly code: AudienceErrorCode;
  /** The OAuth `error` code the server sent, if any. */
  readonly error: string | undefined;
  /** The OAuth `error_description` the server sent, if any. */
  readonly errorDescription: string | undefined;

  constructor(code: AudienceErrorCode, message: string, options: AudienceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: redactCause(options.cause) });
    this.code = code;
    this.error = options.error;
    this.errorDescription = options.errorDescription;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Whether a value is an {@link AudienceError}, also across bundles, realms and frames (it checks a registered
 * symbol, not `instanceof`).
 *
 * @param value - anything caught.
 * @param code - when given, also require this code.
 * @returns true when `value` is an Audience error (with that code).
 * @see AudienceErrorCode for the codes and what each means.
 */
export function isAudienceError(value: unknown, code?: AudienceErrorCode): value is AudienceError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[BRAND] === true &&
    (code === undefined || (value as AudienceError).code === code)
  );
}
