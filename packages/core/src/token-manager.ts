import * as oauth from 'oauth4webapi';
import type { ClientContext } from './client-context.js';
import { AudienceError, isAudienceError } from './errors.js';
import { SESSION_KEY, cacheKey, type IdTokenClaims, type StoredSession, type StoredToken } from './session.js';
import { TokenCache } from './token-cache.js';
import { placeToken } from './token-placement.js';
import { isIdTokenFailure, toAudienceError } from './to-audience-error.js';

/** Options of `getAccessToken`. */
export interface GetAccessTokenOptions {
  /** Ask for these scopes (a subset of the granted ones); the token is cached under resource + sorted scopes. */
  readonly scopes?: readonly string[];
  /** Skip the cache and use the refresh token, unless another caller has refreshed since this call started. */
  readonly forceRefresh?: boolean;
}

export interface TokenManagerHooks {
  /** The server rejected the refresh token: the session is over. */
  sessionExpired(sessionId: string): Promise<void>;
  /** The session record changed (new refresh token, new ID token claims). */
  sessionUpdated(session: StoredSession): void;
}

const RETRY = Symbol('retry');

/**
 * One cached access token per resource (RFC 8707) and scope set, with one in-flight request per key and every use of
 * the refresh token under the session's lock, after re-reading the store (another tab or process may have refreshed).
 */
export class TokenManager {
  readonly #ctx: ClientContext;
  readonly #hooks: TokenManagerHooks;
  readonly #cache: TokenCache;

  constructor(ctx: ClientContext, hooks: TokenManagerHooks) {
    this.#ctx = ctx;
    this.#hooks = hooks;
    this.#cache = new TokenCache(ctx.options.leewayMs, ctx.options.now);
  }

  /** Forgets every token held in memory (the session changed). */
  clearMemory(): void {
    this.#cache.clear();
  }

  /** A token is usable when fresh and is not the one a forced refresh replaces. */
  #usable(token: StoredToken | undefined, replace: string | undefined): token is StoredToken {
    return this.#cache.fresh(token) && token.accessToken !== replace;
  }

  /** The fresh token kept in memory under `key`, synchronously: the cache hit costs no promise of its own. */
  cached(key: string): string | undefined {
    return this.#cache.hit(key)?.accessToken;
  }

  async getAccessToken(resource: string | undefined, scopes: readonly string[] | undefined, forceRefresh: boolean): Promise<string> {
    const key = cacheKey(resource, scopes);
    const remembered = this.#cache.peek(key);
    if (!forceRefresh && this.#cache.fresh(remembered)) return remembered.accessToken;
    const flight = forceRefresh ? `${key}\u0000force` : key;
    const token = await this.#cache.load(flight, key, async () => {
      // A forced refresh replaces the token this caller could have seen (in memory, else in the store); any other
      // fresh token, e.g. one a sibling tab got meanwhile, is newer and good enough.
      const replace = forceRefresh ? (remembered ?? (await this.#ctx.readSession())?.tokens[key])?.accessToken : undefined;
      return this.#obtain(key, resource, scopes, replace);
    });
    return token.accessToken;
  }

  async #obtain(key: string, resource: string | undefined, scopes: readonly string[] | undefined, replace: string | undefined): Promise<StoredToken> {
    for (;;) {
      const session = await this.#ctx.readSession();
      if (!session) throw new AudienceError('ERR_LOGIN_REQUIRED', 'Not signed in: call buildSignInUrl/handleCallback first');
      if (resource !== undefined && !session.resources.includes(resource)) {
        // Refused locally, before the refresh token is sent: some servers consume it before checking the resource.
        throw new AudienceError(
          'ERR_INVALID_RESOURCE',
          `"resource" ${resource} was not requested at sign-in (granted: ${session.resources.join(', ') || 'none'}); sign in again with it`,
        );
      }
      const cached = session.tokens[key];
      if (this.#usable(cached, replace)) return cached;
      const token = await this.#ctx.withSessionLock((held) => this.#refreshLocked(held, session.id, key, resource, scopes, replace));
      if (token !== RETRY) return token;
    }
  }

  async #refreshLocked(
    held: () => Promise<boolean>,
    sessionId: string,
    key: string,
    resource: string | undefined,
    scopes: readonly string[] | undefined,
    replace: string | undefined,
  ): Promise<StoredToken | typeof RETRY> {
    const { options } = this.#ctx;
    const session = await this.#ctx.readSession();
    if (!session) throw new AudienceError('ERR_LOGIN_REQUIRED', 'Not signed in: the session ended while waiting for the refresh lock');
    // Another writer replaced the session while this call waited: start over with the current one.
    if (session.id !== sessionId) return RETRY;
    const cached = session.tokens[key];
    if (this.#usable(cached, replace)) return cached;
    if (!session.refreshToken) {
      await this.#hooks.sessionExpired(session.id);
      throw new AudienceError('ERR_LOGIN_REQUIRED', 'The access token expired and the session has no refresh token; sign in again');
    }

    const step = `refreshing the access token for ${resource ?? 'the userinfo endpoint'}`;
    const as = await this.#ctx.metadata();
    const additionalParameters: Record<string, string> = {};
    // RFC 8707 §2.2, or Auth0's audience; with `none` the scopes alone select the API.
    if (resource !== undefined && options.resourceParameter !== 'none') additionalParameters[options.resourceParameter] = resource;
    if (scopes && scopes.length > 0) additionalParameters['scope'] = scopes.join(' ');
    const requestedAt = options.now();
    // A lock that was taken over (this holder looked dead) is no licence to spend the refresh token.
    if (!(await held())) return RETRY;
    let response: Response;
    try {
      response = await oauth.refreshTokenGrantRequest(as, this.#ctx.client(), this.#ctx.clientAuth, session.refreshToken, {
        ...this.#ctx.http(),
        additionalParameters,
      });
    } catch (err) {
      throw toAudienceError(err, step); // no answer: nothing was spent, everything is kept
    }
    const copy = response.clone();
    let tokens: oauth.TokenEndpointResponse;
    try {
      tokens = await oauth.processRefreshTokenResponse(as, this.#ctx.client(), response);
    } catch (err) {
      const error = toAudienceError(err, step, isIdTokenFailure(err) ? 'ERR_ID_TOKEN' : 'ERR_SERVER_RESPONSE');
      // Only the server saying the grant is invalid ends the session; network faults and 5xx keep everything.
      if (error.code === 'ERR_LOGIN_REQUIRED') {
        await this.#hooks.sessionExpired(session.id);
        throw error;
      }
      // A 200 answer that failed validation has still spent the old refresh token: keep the rotated one.
      const rotated = await rotatedRefreshToken(copy);
      if (rotated !== undefined) await this.#write(held, session, { ...session, refreshToken: rotated });
      throw error;
    }

    // The old refresh token is spent now: whatever else fails, the rotated one is stored before the lock is released.
    let failure: AudienceError | undefined;
    let next: StoredSession = { ...session, ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}) };
    let result: StoredToken | undefined;
    try {
      if (tokens.id_token) next = { ...next, ...(await this.#refreshedIdToken(as, response, tokens, session)) };
      const placed = placeToken(tokens, requestedAt, resource, scopes, session.resources);
      if (placed.misplaced === undefined) {
        result = placed.token;
        next = { ...next, tokens: { ...next.tokens, [placed.key]: placed.token } };
      } else {
        if (resource === undefined && !scopes?.length) next = { ...next, tokens: { ...next.tokens, [placed.key]: placed.token } };
        failure = new AudienceError('ERR_SERVER_RESPONSE', `${step}: the server returned ${placed.misplaced}`);
      }
    } catch (err) {
      failure = toAudienceError(err, step);
    }
    if (!(await this.#write(held, session, next))) return RETRY;
    if (!result) throw failure ?? new AudienceError('ERR_SERVER_RESPONSE', `${step}: no usable token`);
    if (failure) throw failure;
    return result;
  }

  /**
   * Writes the next version of `session`, under the session lock, unless another sign-in or a sign-out replaced it.
   * Returns false, writing nothing, when the lock is no longer this caller's.
   */
  async #write(held: () => Promise<boolean>, session: StoredSession, next: StoredSession): Promise<boolean> {
    const latest = await this.#ctx.readSession();
    if (!(await held())) return false;
    if (latest?.id !== session.id) {
      throw new AudienceError('ERR_LOGIN_REQUIRED', 'The session ended while its tokens were being refreshed');
    }
    try {
      await this.#ctx.options.store.set(SESSION_KEY, next);
    } catch (err) {
      if (isAudienceError(err, 'ERR_LOCK_LOST')) return false; // a fenced store refused it: another holder has the lock
      throw err;
    }
    this.#hooks.sessionUpdated(next);
    return true;
  }

  /** A refresh response may carry a new ID token: its signature is checked and it must be about the same user. */
  async #refreshedIdToken(
    as: oauth.AuthorizationServer,
    response: Response,
    tokens: oauth.TokenEndpointResponse,
    session: StoredSession,
  ): Promise<Pick<StoredSession, 'idToken' | 'claims'>> {
    try {
      await oauth.validateApplicationLevelSignature(as, response, this.#ctx.http());
    } catch (err) {
      throw toAudienceError(err, 'validating the refreshed ID token', 'ERR_ID_TOKEN');
    }
    const claims = oauth.getValidatedIdTokenClaims(tokens) as unknown as IdTokenClaims;
    if (claims.sub !== session.sub) {
      // OpenID Connect Core §12.2: the sub of a refreshed ID token must be the original one.
      throw new AudienceError('ERR_ID_TOKEN', `The refreshed ID token is about "${claims.sub}", not "${session.sub}"`);
    }
    return { idToken: tokens.id_token!, claims };
  }

  /** Drops a token an API rejected (HTTP 401), from memory and the store, without evicting a newer one. */
  async invalidate(token: string): Promise<void> {
    this.#cache.forget(token);
    const session = await this.#ctx.readSession();
    if (!session || !Object.values(session.tokens).some((t) => t.accessToken === token)) return;
    await this.#ctx.withSessionLock(async (held) => {
      const current = await this.#ctx.readSession();
      if (!current || !(await held())) return;
      const tokens = Object.fromEntries(Object.entries(current.tokens).filter(([, t]) => t.accessToken !== token));
      await this.#ctx.options.store.set(SESSION_KEY, { ...current, tokens });
    });
  }
}

/**
 * The refresh token of a token response that failed validation, when its body is a JSON object with a string
 * `refresh_token`: the server has rotated the old one, so this is the only one left that it accepts.
 */
async function rotatedRefreshToken(response: Response): Promise<string | undefined> {
  if (response.status !== 200) return undefined;
  try {
    const body: unknown = await response.json();
    const token = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['refresh_token'] : undefined;
    return typeof token === 'string' && token.length > 0 ? token : undefined;
  } catch {
    return undefined;
  }
}
