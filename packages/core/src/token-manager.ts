import * as oauth from 'oauth4webapi';
import type { ClientContext } from './client-context.js';
import { AudienceError, isAudienceError } from './errors.js';
import { SESSION_KEY, type IdTokenClaims, type StoredSession, type StoredToken } from './session.js';
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

/**
 * One cached access token per resource (RFC 8707) and scope set, with one in-flight request per key and every use of
 * the refresh token under the session's lock, after re-reading the store (another tab or process may have refreshed).
 */
export interface TokenManager {
  /** The fresh token kept in memory under `key`, synchronously: the cache hit costs no promise of its own. */
  cached(key: string): string | undefined;
  /** The token for `resource` + `scopes`, cached under `key`: from memory, the store, or a refresh. */
  get(key: string, resource: string | undefined, scopes: readonly string[] | undefined, forceRefresh: boolean): Promise<string>;
  /** Drops a token an API rejected (HTTP 401), from memory and the store, without evicting a newer one. */
  invalidate(token: string): Promise<void>;
  /** Forgets every token held in memory (the session changed). */
  clear(): void;
}

type Held = () => Promise<boolean>;

const RETRY = Symbol();

/**
 * @param ended - the server rejected the refresh token (or there is none left): the session is over.
 * @param updated - the session record was rewritten (new tokens, a new refresh token, new ID token claims).
 */
export function createTokenManager(ctx: ClientContext, ended: (sessionId: string) => Promise<void>, updated: (session: StoredSession) => void): TokenManager {
  const { options, readSession, withSessionLock, metadata, client, http, clientAuth } = ctx;
  const { store, now, resourceParameter } = options;
  const cache = new TokenCache(options.leewayMs, now);
  // A forced refresh replaces the token its caller could have seen; any other fresh token is newer and good enough.
  const usable = (token: StoredToken | undefined, replace: string | undefined): token is StoredToken => cache.fresh(token) && token.accessToken !== replace;
  const loginRequired = (why: string): AudienceError => new AudienceError('ERR_LOGIN_REQUIRED', why);

  /** Writes `next` under the lock: false when the lock is no longer this caller's; throws when the session was replaced. */
  async function write(held: Held, session: StoredSession, next: StoredSession): Promise<boolean> {
    const latest = await readSession();
    if (!(await held())) return false;
    if (latest?.id !== session.id) throw loginRequired('The session ended during the refresh');
    try {
      await store.set(SESSION_KEY, next);
    } catch (err) {
      if (isAudienceError(err, 'ERR_LOCK_LOST')) return false; // a fenced store refused it: another holder has the lock
      throw err;
    }
    updated(next);
    return true;
  }

  async function refresh(held: Held, id: string, key: string, resource: string | undefined, scopes: readonly string[] | undefined, replace: string | undefined): Promise<StoredToken | typeof RETRY> {
    const session = await readSession();
    // Another writer replaced (or ended) the session while this call waited: start over with the current one.
    if (session?.id !== id) return RETRY;
    const cached = session.tokens[key];
    if (usable(cached, replace)) return cached;
    if (!session.refreshToken) {
      await ended(id);
      throw loginRequired('The access token expired and there is no refresh token');
    }
    const step = `refreshing the token for ${resource ?? 'userinfo'}`;
    const as = await metadata();
    const additionalParameters: Record<string, string> = {};
    // RFC 8707 §2.2, or Auth0's audience; with `none` the scopes alone select the API.
    if (resource !== undefined && resourceParameter !== 'none') additionalParameters[resourceParameter] = resource;
    if (scopes?.length) additionalParameters['scope'] = scopes.join(' ');
    const requestedAt = now();
    // A lock that was taken over (this holder looked dead) is no licence to spend the refresh token.
    if (!(await held())) return RETRY;
    let response: Response;
    let tokens: oauth.TokenEndpointResponse;
    try {
      response = await oauth.refreshTokenGrantRequest(as, client(), clientAuth, session.refreshToken, { ...http(), additionalParameters });
    } catch (err) {
      throw toAudienceError(err, step); // no answer: nothing was spent, everything is kept
    }
    const copy = response.clone();
    try {
      tokens = await oauth.processRefreshTokenResponse(as, client(), response);
    } catch (err) {
      const error = toAudienceError(err, step, isIdTokenFailure(err) ? 'ERR_ID_TOKEN' : undefined);
      // Only the server saying the grant is invalid ends the session; network faults and 5xx keep everything.
      if (error.code === 'ERR_LOGIN_REQUIRED') await ended(id);
      else {
        // A 200 answer that failed validation has still spent the old refresh token: keep the rotated one.
        const rotated = await rotatedRefreshToken(copy);
        if (rotated) await write(held, session, { ...session, refreshToken: rotated });
      }
      throw error;
    }

    // The old refresh token is spent now: whatever else fails, the rotated one is stored before the lock is released.
    let next: StoredSession = tokens.refresh_token ? { ...session, refreshToken: tokens.refresh_token } : session;
    let failure: AudienceError | undefined;
    let result: StoredToken | undefined;
    try {
      if (tokens.id_token) {
        await oauth.validateApplicationLevelSignature(as, response, http()).catch((err: unknown) => {
          throw toAudienceError(err, 'validating the refreshed ID token', 'ERR_ID_TOKEN');
        });
        const claims = oauth.getValidatedIdTokenClaims(tokens) as unknown as IdTokenClaims;
        // OpenID Connect Core §12.2: the sub of a refreshed ID token must be the original one.
        if (claims.sub !== session.sub) throw new AudienceError('ERR_ID_TOKEN', `The refreshed ID token is about "${claims.sub}", not "${session.sub}"`);
        next = { ...next, idToken: tokens.id_token, claims };
      }
      const placed = placeToken(tokens, requestedAt, resource, scopes, session.resources);
      if (placed.misplaced) failure = new AudienceError('ERR_SERVER_RESPONSE', `${step}: the server returned ${placed.misplaced}`);
      else result = placed.token;
      // A granted resource's JWT that came back for the userinfo token is kept under that resource.
      if (result || (resource === undefined && !scopes?.length)) next = { ...next, tokens: { ...next.tokens, [placed.key]: placed.token } };
    } catch (err) {
      failure = toAudienceError(err, step);
    }
    if (!(await write(held, session, next))) return RETRY;
    if (failure) throw failure;
    return result!;
  }

  return {
    cached: (key) => cache.hit(key)?.accessToken,

    async get(key, resource, scopes, force) {
      const remembered = cache.peek(key);
      if (!force && cache.fresh(remembered)) return remembered.accessToken;
      const token = await cache.load(force ? `${key}\u0000force` : key, key, async () => {
        const replace = force ? (remembered ?? (await readSession())?.tokens[key])?.accessToken : undefined;
        for (;;) {
          const session = await readSession();
          if (!session) throw loginRequired('Not signed in');
          if (resource !== undefined && !session.resources.includes(resource)) {
            // Refused before the refresh token is sent: some servers consume it before checking the resource.
            throw new AudienceError('ERR_INVALID_RESOURCE', `"resource" ${resource} was not requested at sign-in; sign in again with it`);
          }
          const cached = session.tokens[key];
          if (usable(cached, replace)) return cached;
          const result = await withSessionLock((held) => refresh(held, session.id, key, resource, scopes, replace));
          if (result !== RETRY) return result;
        }
      });
      return token.accessToken;
    },

    async invalidate(token) {
      cache.forget(token);
      const stored = await readSession();
      if (!stored || !Object.values(stored.tokens).some((t) => t.accessToken === token)) return;
      await withSessionLock(async (held) => {
        const current = await readSession();
        if (!current || !(await held())) return;
        await store.set(SESSION_KEY, { ...current, tokens: Object.fromEntries(Object.entries(current.tokens).filter(([, t]) => t.accessToken !== token)) });
      });
    },

    clear: () => cache.clear(),
  };
}

/**
 * The refresh token of a token response that failed validation, when its body is a JSON object with a string
 * `refresh_token`: the server has rotated the old one, so this is the only one left that it accepts.
 */
async function rotatedRefreshToken(response: Response): Promise<string | undefined> {
  const token: unknown = response.status === 200 ? ((await response.json().catch(() => undefined)) as { refresh_token?: unknown } | null)?.refresh_token : undefined;
  return typeof token === 'string' && token ? token : undefined;
}
