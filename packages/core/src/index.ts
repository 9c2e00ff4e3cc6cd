export { createOidcClient, type OidcClient, type SignOutOptions, type UserInfo } from './oidc-client.js';
export type { ClientAuthentication, OidcClientOptions } from './options.js';
export { createIssuerContext, isIssuerContext, type IssuerContext, type IssuerContextOptions } from './issuer-context.js';
export type { SignInOptions, CallbackResult } from './sign-in.js';
export type { GetAccessTokenOptions } from './token-manager.js';
export type { AuthState, SignedOutReason } from './auth-state.js';
export type { IdTokenClaims, StoredSession, StoredToken } from './session.js';
export { AudienceError, isAudienceError, type AudienceErrorCode, type AudienceErrorOptions } from './errors.js';
export { createMemoryStore, type KeyValueStore } from './store.js';
export { createInProcessLock, type LockFn } from './lock.js';
export { createAuthorizedFetch, type AccessTokenSource, type AuthorizedFetchOptions } from './authorized-fetch.js';
// Building blocks the adapter packages use, public and documented so that other adapters can use them too.
export { SESSION_KEY, cacheKey, usableUntil } from './session.js';
export { placeToken, type PlacedToken } from './token-placement.js';
export { clientWithClock } from './client-context.js';
export { toAudienceError } from './to-audience-error.js';
export { assertOidcClientOptions, assertResource, assertScopes } from './options.js';
export { sameOriginPath } from './return-to.js';
export { TRANSACTION_TTL_MS } from './sign-in.js';
