import * as oauth from 'oauth4webapi';
import type { LockFn } from './lock.js';
import { issuerContextFrom, type IssuerContext } from './issuer-context.js';
import type { KeyValueStore } from './store.js';
import { absoluteUrl, assertScopes, assertResource, invalid, nonEmptyString, positiveNumber } from './validate.js';

export { assertResource, assertScopes } from './validate.js';

/** How a client authenticates at the token endpoint (RFC 6749 §2.3): an oauth4webapi `ClientAuth`. */
export type ClientAuthentication = oauth.ClientAuth;

/** How a token request names the API: RFC 8707 `resource`, or Auth0's `audience`. */
export type ResourceParameter = 'resource' | 'audience' | 'none';

/** Options of {@link createOidcClient}. */
export interface OidcClientOptions {
  /**
   * The issuer identifier (discovery is read from `{issuer}/.well-known/openid-configuration`; must be https), or an
   * {@link IssuerContext} shared with other clients of the same issuer. With a context, `fetch`, `now`, `timeoutMs`
   * and `dangerouslyAllowInsecureHttp` are the context's and must not be given here.
   */
  readonly issuer: string | IssuerContext;
  readonly clientId: string;
  /** Where the server sends the browser back with the authorization response. */
  readonly redirectUri: string;
  /** Where the end-session endpoint sends the browser after sign-out. */
  readonly postLogoutRedirectUri?: string;
  /** Scopes asked for at sign-in; default `openid offline_access profile`. `openid` is required. */
  readonly scopes?: readonly string[];
  /** Resource indicators (RFC 8707) asked for at sign-in; `getAccessToken` accepts only these. */
  readonly resources?: readonly string[];
  /**
   * The request parameter that names the API: `resource` (RFC 8707, the default); `audience` for Auth0, which takes
   * one API at sign-in (the first of `resources`) and the others at refresh (its Multi-Resource Refresh Token); or
   * `none` for servers that pick the API from the scopes alone (Microsoft Entra ID: `getAccessToken(api, { scopes:
   * ['api://…/access_as_user'] })`). Whatever the parameter, a token is handed out only if its `aud` is the API.
   */
  readonly resourceParameter?: ResourceParameter;
  /** Where the session lives. Share one store (and one lock) between clients that share a session. */
  readonly store: KeyValueStore;
  /** Held around every use of the refresh token; default: a lock within this realm. */
  readonly lock?: LockFn;
  /** The fetch implementation; looked up on every request, default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** The clock, in epoch milliseconds; default `Date.now`. */
  readonly now?: () => number;
  /** A token is treated as expired this many seconds before it expires; default 30. */
  readonly expiryLeewaySeconds?: number;
  /** Abort a request to the server after this many milliseconds; default 10 000. */
  readonly timeoutMs?: number;
  /** Send authorization requests through PAR (RFC 9126) even when the server does not require it. */
  readonly usePushedAuthorizationRequests?: boolean;
  /**
   * How a confidential client authenticates at the token endpoint: an oauth4webapi client authentication
   * (`ClientSecretBasic(secret)`, `ClientSecretPost(secret)`, `PrivateKeyJwt(key)`). Default: none, a public client
   * (SPAs, native apps). The Node package's web app builds it from `clientSecret` / `privateKey`.
   */
  readonly clientAuthentication?: ClientAuthentication;
  /**
   * DEVELOPMENT ONLY: allow an `http://` issuer, e.g. a local development server. Anyone on the network path can read
   * and change every token. Never enable this in production.
   */
  readonly dangerouslyAllowInsecureHttp?: boolean;
}

export interface ResolvedOptions {
  readonly issuer: URL;
  readonly issuerContext: IssuerContext;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly postLogoutRedirectUri: string | undefined;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly resourceParameter: ResourceParameter;
  readonly store: KeyValueStore;
  readonly lock: LockFn | undefined;
  readonly now: () => number;
  readonly leewayMs: number;
  readonly usePar: boolean;
  readonly clientAuth: ClientAuthentication;
}

/** Validates the public options once, at the boundary, with messages that quote the option path. */
export function resolveOptions(options: OidcClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const store = options.store as Partial<KeyValueStore> | undefined;
  if (!store || typeof store.get !== 'function' || typeof store.set !== 'function' || typeof store.delete !== 'function') {
    throw invalid('options.store', 'must have get, set and delete functions');
  }
  if (options.lock !== undefined && typeof options.lock !== 'function') throw invalid('options.lock', 'must be a function');
  const issuerContext = issuerContextFrom(options);
  const scopes = options.scopes === undefined ? ['openid', 'offline_access', 'profile'] : assertScopes(options.scopes, 'options.scopes');
  if (!scopes.includes('openid')) throw invalid('options.scopes', 'must include "openid"');
  const resources = (options.resources ?? []).map((r, i) => assertResource(r, `options.resources[${i}]`));
  const resourceParameter = options.resourceParameter ?? 'resource';
  if (!['resource', 'audience', 'none'].includes(resourceParameter)) throw invalid('options.resourceParameter', 'must be "resource", "audience" or "none"');
  const redirectUri = absoluteUrl(options.redirectUri, 'options.redirectUri', true).href;
  if (options.postLogoutRedirectUri !== undefined) absoluteUrl(options.postLogoutRedirectUri, 'options.postLogoutRedirectUri', true);
  if (options.clientAuthentication !== undefined && typeof options.clientAuthentication !== 'function') {
    throw invalid('options.clientAuthentication', 'must be an oauth4webapi ClientAuth function');
  }
  return {
    issuer: issuerContext.issuer,
    issuerContext,
    clientId: nonEmptyString(options.clientId, 'options.clientId'),
    redirectUri,
    postLogoutRedirectUri: options.postLogoutRedirectUri,
    scopes,
    resources,
    resourceParameter,
    store: options.store,
    lock: options.lock,
    now: issuerContext.now,
    leewayMs: positiveNumber(options.expiryLeewaySeconds, 'options.expiryLeewaySeconds', 30, true) * 1000,
    usePar: options.usePushedAuthorizationRequests === true,
    clientAuth: options.clientAuthentication ?? oauth.None(),
  };
}

/**
 * Checks the options of {@link createOidcClient} without creating a client (an adapter that creates clients later,
 * per session, validates its options once at start-up with it).
 *
 * @param options - the options to check.
 * @throws {AudienceError} `ERR_INVALID_OPTION`, naming the bad option.
 */
export function assertOidcClientOptions(options: OidcClientOptions): void {
  resolveOptions(options);
}
