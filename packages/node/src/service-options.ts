import { AudienceError, issuerContextFrom, type IssuerContext } from '@audience/core';

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

/** The issuer context of a Node client: core's one rule (the context given as `issuer`, or one built from the options). */
export const issuerContextOf = (options: ServerSideOptions): IssuerContext => issuerContextFrom(options);

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new AudienceError('ERR_INVALID_OPTION', `"${path}" must be a non-empty string`);
  return value;
}
