import { useCallback, useMemo, useSyncExternalStore } from 'react';
import type { AuthState, BrowserClient, BrowserSignInOptions, IdTokenClaims, SignOutOptions } from '@audience/browser';
import { useAudienceContext } from './context.js';

/** What {@link useAuth} returns. */
export interface AuthView {
  /** `loading` until the stored session has been read (and while a sign-in completes on the redirect URI). */
  readonly status: AuthState['status'];
  /** The signed-in user's ID token claims. */
  readonly claims: IdTokenClaims | undefined;
  /** Starts a sign-in (the page navigates away). Stable across renders. */
  readonly signIn: (options?: BrowserSignInOptions) => Promise<void>;
  /** Signs out every tab (the page navigates away). Stable across renders. */
  readonly signOut: (options?: SignOutOptions) => Promise<void>;
  /** Why completing the sign-in on the redirect URI failed, if it did. */
  readonly error: unknown;
}

const LOADING: AuthState = Object.freeze({ status: 'loading' });
const noSubscription = (): (() => void) => () => undefined;
const loading = (): AuthState => LOADING;

/**
 * The client's auth state, from `useSyncExternalStore` (the server snapshot is `loading`).
 *
 * @param client - the browser client, or undefined during server rendering.
 * @returns the current immutable auth state.
 */
export function useAuthState(client: BrowserClient | undefined): AuthState {
  return useSyncExternalStore(client ? client.subscribe : noSubscription, client ? client.getSnapshot : loading, loading);
}

/**
 * The sign-in state and the actions that change it.
 *
 * @returns `{ status, claims, signIn, signOut, error }`; `signIn` and `signOut` keep their identity between renders.
 * @throws {Error} outside `<AudienceProvider>`.
 * @see OpenID Connect Core §2 (ID token claims)
 * @example
 * const { status, claims, signIn, signOut } = useAuth();
 * return status === 'signed-in' ? <button onClick={() => signOut()}>Sign out {claims?.name}</button> : <button onClick={() => signIn()}>Sign in</button>;
 */
export function useAuth(): AuthView {
  const { client, completing, error } = useAudienceContext();
  const state = useAuthState(client);
  // Never called during server rendering, where the client is absent: effects and event handlers only.
  const signIn = useCallback((options?: BrowserSignInOptions) => client!.signIn(options), [client]);
  const signOut = useCallback((options?: SignOutOptions) => client!.signOut(options), [client]);
  const status = completing ? 'loading' : state.status;
  return useMemo(() => ({ status, claims: status === 'signed-in' ? state.claims : undefined, signIn, signOut, error }), [status, state, signIn, signOut, error]);
}
