import * as oauth from 'oauth4webapi';
import type { ClientContext } from './client-context.js';
import { AudienceError } from './errors.js';
import { assertResource, assertScopes, invalid } from './validate.js';
import { SESSION_KEY, transactionKey, type IdTokenClaims, type StoredSession } from './session.js';
import { placeToken } from './token-placement.js';
import { isIdTokenFailure, toAudienceError } from './to-audience-error.js';

/** Options of `buildSignInUrl`. */
export interface SignInOptions {
  /** Resource indicators to ask for (RFC 8707); default: the client's `resources`. */
  readonly resources?: readonly string[];
  /** Scopes to ask for; default: the client's `scopes`. */
  readonly scopes?: readonly string[];
  /** OIDC `prompt`, e.g. `login`; default `consent` when `offline_access` is asked for (OIDC Core §11). */
  readonly prompt?: string;
  /** OIDC `login_hint`. */
  readonly loginHint?: string;
  /** More authorization request parameters. They cannot replace the ones Audience sets for security. */
  readonly extraParams?: Readonly<Record<string, string>>;
  /** Any structured value to get back from `handleCallback` (e.g. where to return). */
  readonly appState?: unknown;
}

/** What `handleCallback` returns. */
export interface CallbackResult {
  readonly claims: IdTokenClaims;
  readonly appState: unknown;
}

interface SignInTransaction {
  readonly codeVerifier: string;
  readonly nonce: string;
  readonly redirectUri: string;
  readonly resources: readonly string[];
  readonly createdAt: number;
  readonly appState?: unknown;
}

/** A pending sign-in is accepted for this long. */
export const TRANSACTION_TTL_MS: number = 15 * 60 * 1000;

/** Authorization request parameters Audience sets for security: `extraParams` cannot replace them. */
const RESERVED = 'client_id redirect_uri response_type scope state nonce code_challenge code_challenge_method resource audience request_uri'.split(' ');

/** Builds the authorization request (RFC 6749 §4.1.1 with PKCE, RFC 7636) and stores its transaction by `state`. */
export async function buildSignInUrl(ctx: ClientContext, opts: SignInOptions = {}): Promise<URL> {
  const { options, client, clientAuth, http } = ctx;
  const { clientId, redirectUri, resourceParameter, store } = options;
  const resources = (opts.resources ?? options.resources).map((r, i) => assertResource(r, `options.resources[${i}]`));
  const scopes = opts.scopes === undefined ? options.scopes : assertScopes(opts.scopes, 'options.scopes');
  const extra = Object.entries(opts.extraParams ?? {});
  for (const [name] of extra) if (RESERVED.includes(name)) throw invalid(`options.extraParams.${name}`, 'cannot be set: Audience sets it');
  const as = await ctx.metadata();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const params = new URLSearchParams({
    client_id: clientId,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: scopes.join(' '),
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  // RFC 8707 §2.1: every API by `resource`; Auth0 takes one `audience` at sign-in and the others at refresh.
  for (const resource of resourceParameter === 'resource' ? resources : resourceParameter === 'audience' ? resources.slice(0, 1) : []) {
    params.append(resourceParameter, resource);
  }
  // OpenID Connect Core §11: offline access needs prompt=consent unless the server decides otherwise; without it,
  // servers such as oidc-provider (under Logto) drop offline_access and issue no refresh token.
  const prompt = opts.prompt ?? (scopes.includes('offline_access') ? 'consent' : '');
  if (prompt) params.set('prompt', prompt);
  if (opts.loginHint) params.set('login_hint', opts.loginHint);
  for (const [name, value] of extra) params.set(name, value);

  const key = transactionKey(state);
  const transaction: SignInTransaction = { codeVerifier, nonce, redirectUri, resources, createdAt: options.now(), appState: opts.appState };
  await store.set(key, transaction, { ttlMs: TRANSACTION_TTL_MS });

  let query = params;
  if (options.usePar || as.require_pushed_authorization_requests) {
    try {
      const { request_uri } = await oauth.processPushedAuthorizationResponse(as, client(), await oauth.pushedAuthorizationRequest(as, client(), clientAuth, params, http()));
      query = new URLSearchParams({ client_id: clientId, request_uri });
    } catch (err) {
      await store.delete(key);
      throw toAudienceError(err, 'pushing the authorization request (PAR)');
    }
  }
  const url = new URL(as.authorization_endpoint ?? '');
  query.forEach((value, name) => url.searchParams.append(name, value));
  return url;
}

/**
 * Completes a sign-in: validates the authorization response, exchanges the code, validates the ID token fully and
 * stores the new session. The transaction is consumed first, so a replayed callback changes nothing.
 */
export async function handleCallback(ctx: ClientContext, input: string | URL): Promise<{ session: StoredSession; result: CallbackResult }> {
  const { options, client, clientAuth, http } = ctx;
  const { store, now } = options;
  const callback = (why: string, cause?: unknown): AudienceError => new AudienceError('ERR_CALLBACK', why, { cause });
  const url = input instanceof URL ? input : typeof input === 'string' && URL.canParse(input) ? new URL(input) : undefined;
  if (!url) throw invalid('url', 'must be an absolute URL (the callback URL with its query)');
  const state = url.searchParams.get('state');
  if (!state) throw callback('The callback URL has no "state"');
  const key = transactionKey(state);
  const t = (await store.get(key)) as Partial<Record<keyof SignInTransaction, unknown>> | undefined;
  // A stored pending sign-in is used only with the whole shape written here; anything else is no pending sign-in.
  if (
    typeof t?.codeVerifier !== 'string' ||
    typeof t.nonce !== 'string' ||
    typeof t.redirectUri !== 'string' ||
    typeof t.createdAt !== 'number' ||
    !Array.isArray(t.resources) ||
    !t.resources.every((r) => typeof r === 'string')
  ) {
    throw callback('No pending sign-in matches the callback "state" (unknown, or already used)');
  }
  const transaction = t as SignInTransaction;
  await store.delete(key);
  if (now() - transaction.createdAt > TRANSACTION_TTL_MS) throw callback('The pending sign-in expired; sign in again');

  const as = await ctx.metadata();
  let params: URLSearchParams;
  try {
    // Checks state, RFC 9207 `iss`, and turns an `error` response into an AuthorizationResponseError.
    params = oauth.validateAuthResponse(as, client(), url, state);
  } catch (err) {
    const mapped = toAudienceError(err, 'validating the authorization response');
    throw mapped.code === 'ERR_CALLBACK' ? mapped : callback(mapped.message, err);
  }

  const requestedAt = now();
  const step = 'exchanging the authorization code';
  let response: Response;
  let tokens: oauth.TokenEndpointResponse;
  try {
    response = await oauth.authorizationCodeGrantRequest(as, client(), clientAuth, params, transaction.redirectUri, transaction.codeVerifier, http());
  } catch (err) {
    // oauth4webapi checks the callback parameters (one `code`, and so on) before it sends anything: a failed check
    // there is an unusable callback, not a server fault.
    throw err instanceof oauth.OperationProcessingError ? callback(`The callback is unusable: ${err.message}`, err) : toAudienceError(err, step);
  }
  try {
    tokens = await oauth.processAuthorizationCodeResponse(as, client(), response, { expectedNonce: transaction.nonce, requireIdToken: true });
    // oauth4webapi checks the ID token's claims; its signature is checked here, against the issuer's JWKS.
    await oauth.validateApplicationLevelSignature(as, response, http());
  } catch (err) {
    if (isIdTokenFailure(err)) throw toAudienceError(err, 'validating the ID token', 'ERR_ID_TOKEN');
    const mapped = toAudienceError(err, step);
    // invalid_grant here means the code, not a session: the callback is unusable.
    throw mapped.code === 'ERR_LOGIN_REQUIRED' ? callback(mapped.message, err) : mapped;
  }
  const claims = oauth.getValidatedIdTokenClaims(tokens) as unknown as IdTokenClaims;
  const placed = placeToken(tokens, requestedAt, undefined, undefined, transaction.resources);
  const session: StoredSession = {
    version: 1,
    id: oauth.generateRandomState(),
    sub: claims.sub,
    idToken: tokens.id_token!,
    claims,
    ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    resources: transaction.resources,
    tokens: { [placed.key]: placed.token },
  };
  await ctx.withSessionLock(() => store.set(SESSION_KEY, session));
  return { session, result: { claims, appState: transaction.appState } };
}
