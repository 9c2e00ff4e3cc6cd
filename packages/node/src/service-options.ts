import { AudienceError } from '@audience/core';
import { warnInsecure } from '@audience/core/internal';

/** Options shared by the Node clients that talk to one issuer. */
export interface ServerSideOptions {
  /** The issuer identifier (https). */
  readonly issuer: string;
  /** The fetch implementation; looked up on every request, default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** The clock, in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** Abort a request to the server after this many milliseconds; default 10 000. */
  readonly timeoutMs?: number;
  /** DEVELOPMENT ONLY: allow an `http://` issuer. Tokens travel unencrypted. Never enable in production. */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

/** Checks the shared options; messages quote the option path. */
export function resolveServerSideOptions(options: ServerSideOptions): { issuer: URL; insecure: boolean; now: () => number; timeoutMs: number; fetch: typeof fetch | undefined } {
  if (typeof options !== 'object' || options === null) throw new AudienceError('ERR_INVALID_OPTION', '"options" must be an object');
  const insecure = options.dangerouslyAllowInsecureHttp === true;
  const issuer = typeof options.issuer === 'string' && URL.canParse(options.issuer) ? new URL(options.issuer) : undefined;
  if (!issuer || !(issuer.protocol === 'https:' || (insecure && issuer.protocol === 'http:'))) {
    throw new AudienceError('ERR_INVALID_OPTION', '"options.issuer" must be an absolute https URL (http only with dangerouslyAllowInsecureHttp, for local development)');
  }
  if (insecure) warnInsecure(issuer);
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!(typeof timeoutMs === 'number' && timeoutMs > 0)) throw new AudienceError('ERR_INVALID_OPTION', '"options.timeoutMs" must be a positive number');
  return { issuer, insecure, now: options.now ?? Date.now, timeoutMs, fetch: options.fetch };
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new AudienceError('ERR_INVALID_OPTION', `"${path}" must be a non-empty string`);
  return value;
}
