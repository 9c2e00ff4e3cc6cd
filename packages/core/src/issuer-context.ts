import type * as oauth from 'oauth4webapi';
import { createDiscovery } from './discovery.js';
import { AudienceError } from './errors.js';
import { createRequestOptions, type RequestOptions } from './request-options.js';

/** Options of {@link createIssuerContext}. */
export interface IssuerContextOptions {
  /** The issuer identifier; must be https (http only with `dangerouslyAllowInsecureHttp`). */
  readonly issuer: string;
  /** The fetch implementation; looked up on every request, default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** Abort a request to the server after this many milliseconds; default 10 000 (the same for every Audience client). */
  readonly timeoutMs?: number;
  /** The clock, in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /**
   * DEVELOPMENT ONLY: allow an `http://` issuer, e.g. a local development server. Anyone on the network path can read
   * and change every token. Never enable this in production.
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

/**
 * What every client of one issuer shares: its metadata (discovery, cached for an hour, a failure never cached), the
 * JWKS cache that goes with it, the request options and the clock. Pass one context to several clients (for example
 * every session of a web app) so that they make one discovery and one JWKS request between them.
 */
export interface IssuerContext {
  readonly issuer: URL;
  readonly now: () => number;
  readonly insecure: boolean;
  /** The authorization server's metadata; the same object while cached, which keeps oauth4webapi's JWKS cache warm. */
  metadata(): Promise<oauth.AuthorizationServer>;
  /** Options for one oauth4webapi request: fetch, timeout, the development-only http switch. */
  http(): RequestOptions;
}

const BRAND = Symbol.for('audience.issuer-context');

/** Whether a value is an {@link IssuerContext} made by {@link createIssuerContext}. */
export function isIssuerContext(value: unknown): value is IssuerContext {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

const warnedInsecure = new Set<string>();

function warnInsecure(issuer: URL): void {
  if (warnedInsecure.has(issuer.href)) return;
  warnedInsecure.add(issuer.href);
  console.warn(`Audience: dangerouslyAllowInsecureHttp is on for ${issuer.href}. Tokens travel unencrypted; use it only for local development.`);
}

/**
 * Creates the context of one issuer, to share between the clients of an app.
 *
 * @param options - issuer, fetch, timeout, clock and the development-only http switch.
 * @returns the issuer context.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the bad option.
 * @see RFC 8414 §3, OpenID Connect Discovery 1.0 §4
 * @example
 * const issuer = createIssuerContext({ issuer: 'https://auth.example.com' });
 * const client = createOidcClient({ issuer, clientId, redirectUri, store });
 */
export function createIssuerContext(options: IssuerContextOptions): IssuerContext {
  const invalid = (path: string, rule: string): AudienceError => new AudienceError('ERR_INVALID_OPTION', `"${path}" ${rule}`);
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const insecure = options.dangerouslyAllowInsecureHttp === true;
  const issuer = typeof options.issuer === 'string' && URL.canParse(options.issuer) ? new URL(options.issuer) : undefined;
  if (!issuer) throw invalid('options.issuer', 'must be an absolute URL');
  if (issuer.protocol !== 'https:' && !(insecure && issuer.protocol === 'http:')) {
    throw invalid('options.issuer', 'must be an https URL (http is allowed only with dangerouslyAllowInsecureHttp, for local development)');
  }
  for (const fn of ['fetch', 'now'] as const) {
    if (options[fn] !== undefined && typeof options[fn] !== 'function') throw invalid(`options.${fn}`, 'must be a function');
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalid('options.timeoutMs', 'must be a positive number');
  if (insecure) warnInsecure(issuer);
  const now = options.now ?? ((): number => Date.now());
  const http = createRequestOptions({ fetch: options.fetch, timeoutMs, insecure });
  const context: IssuerContext = { issuer, now, insecure, http, metadata: createDiscovery(issuer, http, now) };
  Object.defineProperty(context, BRAND, { value: true });
  return context;
}
