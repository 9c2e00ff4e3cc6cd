import { useEffect, useRef, useState } from 'react';
import type { AuthState, GetAccessTokenOptions } from '@audience/browser';
import { useAudienceContext } from './context.js';
import { useAuthState } from './use-auth.js';

/** What {@link useAccessToken} and {@link useUserInfo} return. */
export interface AsyncView<T> {
  readonly status: 'loading' | 'ready' | 'signed-out' | 'error';
  /** Why it failed, with `status: 'error'`. */
  readonly error?: unknown;
  /** The value, with `status: 'ready'`. */
  readonly data?: T;
}

/** What {@link useAccessToken} returns. */
export interface AccessTokenView {
  readonly status: AsyncView<string>['status'];
  readonly token: string | undefined;
  readonly error: unknown;
}

const LOADING: AsyncView<never> = { status: 'loading' };
const SIGNED_OUT: AsyncView<never> = { status: 'signed-out' };

/**
 * Loads a value while signed in, again when `load` or the trigger changes, and never in a loop after an error: a
 * failed load is retried only when the auth state or the key changes.
 */
export function useSignedInValue<T>(key: string, trigger: unknown, load: (() => Promise<T>) | undefined): AsyncView<T> {
  const { client, completing } = useAudienceContext();
  const auth = useAuthState(client);
  const [view, setView] = useState<AsyncView<T>>(LOADING);
  const failed = useRef<{ auth: AuthState; key: string } | undefined>(undefined);
  useEffect(() => {
    if (!load || completing || auth.status === 'loading') return setView(LOADING);
    if (auth.status === 'signed-out') return setView(SIGNED_OUT);
    if (failed.current?.auth === auth && failed.current.key === key) return;
    let live = true;
    load().then(
      (data) => {
        if (!live) return;
        failed.current = undefined;
        setView((previous) => (previous.data === data ? previous : { status: 'ready', data }));
      },
      (error: unknown) => {
        if (!live) return;
        failed.current = { auth, key };
        setView({ status: 'error', error });
      },
    );
    return () => {
      live = false;
    };
    // `load` is rebuilt on every render: `key` and `trigger` say when what it loads changed.
  }, [auth, completing, key, trigger, load === undefined]);
  return view;
}

/**
 * An access token for a resource (RFC 8707) or, without one, the token for the userinfo endpoint. Components that
 * ask for the same resource share one request (the client's cache); the component re-renders when the token is
 * replaced (a refresh, another tab's new token, sign-out), and an error is not retried in a loop.
 *
 * @param resource - the API's resource indicator, one of the client's `resources`.
 * @param options - `scopes` to narrow the token.
 * @returns `{ status, token, error }`.
 * @throws {Error} outside `<AudienceProvider>`.
 * @see RFC 8707 §2.2, RFC 6749 §6
 */
export function useAccessToken(resource?: string, options: Pick<GetAccessTokenOptions, 'scopes'> = {}): AccessTokenView {
  const { client } = useAudienceContext();
  const [version, setVersion] = useState(0);
  useEffect(() => client?.onTokensChange(() => setVersion((v) => v + 1)), [client]);
  const scopes = options.scopes;
  const key = `${resource ?? ''}\u0000${scopes?.join(' ') ?? ''}`;
  const view = useSignedInValue(key, version, client && (() => client.getAccessToken(resource, scopes ? { scopes } : {})));
  return { status: view.status, token: view.data, error: view.error };
}
