import { AudienceError, createIssuerContext, isIssuerContext, type IssuerContext } from '@audience/core';

/** Options shared by the Node clients that talk to one issuer. */
export interface ServerSideOptions {
  /**
   * The issuer identifier (https), or an {@link IssuerContext} shared with the app's other clients of that issuer
   * (then `fetch`, `now`, `timeoutMs` and `dangerouslyAllowInsecureHttp` are the context's).
   */
  readonly issuer: string | IssuerContext;
  /** The fetch implementation; looked up on every request, default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** The clock, in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** Abort a request to the server after this many milliseconds; default 10 000. */
  readonly timeoutMs?: number;
  /** DEVELOPMENT ONLY: allow an `http://` issuer. Tokens travel unencrypted. Never enable in production. */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

/**
 * The issuer context of a Node client: the one it was given, or one built from its options.
 *
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the option.
 */
export function issuerContextOf(options: ServerSideOptions): IssuerContext {
  if (typeof options !== 'object' || options === null) throw new AudienceError('ERR_INVALID_OPTION', '"options" must be an object');
  if (isIssuerContext(options.issuer)) {
    for (const name of ['fetch', 'now', 'timeoutMs', 'dangerouslyAllowInsecureHttp'] as const) {
      if (options[name] !== undefined) throw new AudienceError('ERR_INVALID_OPTION', `"options.${name}" cannot be set with an issuer context: it is the context's`);
    }
    return options.issuer;
  }
  return createIssuerContext(options as ServerSideOptions & { readonly issuer: string });
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new AudienceError('ERR_INVALID_OPTION', `"${path}" must be a non-empty string`);
  return value;
}
