import type { IdTokenClaims } from './session.js';

/** Why the client is signed out. */
export type SignedOutReason = 'signed_out' | 'session_expired' | 'no_session';

/** What the UI renders from; a new frozen object on every change, so `===` tells whether anything changed. */
export type AuthState =
  | { readonly status: 'loading'; readonly claims?: undefined; readonly reason?: undefined }
  | { readonly status: 'signed-in'; readonly claims: IdTokenClaims; readonly reason?: undefined }
  | { readonly status: 'signed-out'; readonly claims?: undefined; readonly reason: SignedOutReason };

export const initialAuthState: AuthState = Object.freeze({ status: 'loading' });

/**
 * The only way the auth state changes: the same object when nothing changed (signed in with the same ID token, or
 * signed out for the same reason), else `next`, frozen.
 */
export function nextAuthState(state: AuthState, next: AuthState): AuthState {
  const same =
    state.status === next.status &&
    (state.claims === next.claims ||
      (!!state.claims && state.claims.sub === next.claims?.sub && state.claims.iat === next.claims.iat && state.claims.nonce === next.claims.nonce)) &&
    state.reason === next.reason;
  return same ? state : Object.freeze(next);
}
