export { createOidcClient, type OidcClient, type SignOutOptions, type UserInfo } from './oidc-client.js';
export type { OidcClientOptions } from './options.js';
export type { SignInOptions, CallbackResult } from './sign-in.js';
export type { GetAccessTokenOptions } from './token-manager.js';
export type { AuthState, SignedOutReason } from './auth-state.js';
export type { IdTokenClaims, StoredSession, StoredToken } from './session.js';
export { AudienceError, isAudienceError, type AudienceErrorCode, type AudienceErrorOptions } from './errors.js';
export { createMemoryStore, type KeyValueStore } from './store.js';
export { createInProcessLock, type LockFn } from './lock.js';
