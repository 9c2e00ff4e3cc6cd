import type * as oauth from 'oauth4webapi';
import { createDiscovery } from './discovery.js';
import { createRequestOptions, type RequestOptions } from './request-options.js';
import { absoluteUrl, invalid, optionalFunction, positiveNumber } from './validate.js';

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
  /** The issuer identifier. */
  readonly issuer: URL;
  /** The clock, in epoch milliseconds. */
  readonly now: () => number;
  /** Whether the development-only http switch is on. */
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

/**
 * The issuer context of a client's options: the context it was given as `issuer` (then `fetch`, `now`, `timeoutMs`
 * and `dangerouslyAllowInsecureHttp` are the context's and must not be given too), or one built from them.
 *
 * @param options - a client's options.
 * @returns the issuer context.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the option.
 * @see createIssuerContext
 */
export function issuerContextFrom(options: Omit<IssuerContextOptions, 'issuer'> & { readonly issuer: string | IssuerContext }): IssuerContext {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  if (!isIssuerContext(options.issuer)) return createIssuerContext(options as IssuerContextOptions);
  for (const name of ['fetch', 'now', 'timeoutMs', 'dangerouslyAllowInsecureHttp'] as const) {
    if (options[name] !== undefined) throw invalid(`options.${name}`, "cannot be set with an issuer context: it is the context's");
  }
  return options.issuer;
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
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const insecure = options.dangerouslyAllowInsecureHttp === true;
  const issuer = absoluteUrl(options.issuer, 'options.issuer', insecure);
  optionalFunction(options.fetch, 'options.fetch');
  optionalFunction(options.now, 'options.now');
  const timeoutMs = positiveNumber(options.timeoutMs, 'options.timeoutMs', 10_000);
  if (insecure) warnInsecure(issuer);
  const now = options.now ?? ((): number => Date.now());
  const http = createRequestOptions({ fetch: options.fetch, timeoutMs, insecure });
  const context: IssuerContext = { issuer, now, insecure, http, metadata: createDiscovery(issuer, http, now) };
  Object.defineProperty(context, BRAND, { value: true });
  return context;
}
