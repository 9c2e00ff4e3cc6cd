import type { IdTokenClaims } from './session.js';

/** Why the client is signed out. */
export type SignedOutReason = 'signed_out' | 'session_expired' | 'no_session';

/** What the UI renders from; a new frozen object on every change, so `===` tells whether anything changed. */
export type AuthState =
  | { readonly status: 'loading'; readonly claims?: undefined; readonly reason?: undefined }
  | { readonly status: 'signed-in'; readonly claims: IdTokenClaims; readonly reason?: undefined }
  | { readonly status: 'signed-out'; readonly claims?: undefined; readonly reason: SignedOutReason };

export type AuthAction =
  | { readonly type: 'signed-in'; readonly claims: IdTokenClaims }
  | { readonly type: 'signed-out'; readonly reason: SignedOutReason };

export const initialAuthState: AuthState = Object.freeze({ status: 'loading' });

function sameIdToken(a: IdTokenClaims, b: IdTokenClaims): boolean {
  return a === b || (a.sub === b.sub && a.iat === b.iat && a.nonce === b.nonce);
}

/** The only way the auth state changes. Returns the same object when nothing changed. */
export function reduceAuthState(state: AuthState, action: AuthAction): AuthState {
  switch (action.type) {
    case 'signed-in':
      return state.status === 'signed-in' && sameIdToken(state.claims, action.claims)
        ? state
        : Object.freeze({ status: 'signed-in', claims: action.claims });
    case 'signed-out':
      return state.status === 'signed-out' && state.reason === action.reason
        ? state
        : Object.freeze({ status: 'signed-out', reason: action.reason });
  }
}
