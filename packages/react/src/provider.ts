import { createElement, useEffect, useMemo, useRef, useState, type ReactElement, type ReactNode } from 'react';
import type { BrowserClient, RedirectResult } from '@audience/browser';
import { AudienceContext, type AudienceContextValue } from './context.js';

/** Props of {@link AudienceProvider}. */
export interface AudienceProviderProps {
  /**
   * A client made by `createBrowserClient` (its configuration stays in one place). Pass undefined where it cannot
   * exist, such as server rendering: everything below then renders the `loading` state.
   */
  readonly client: BrowserClient | undefined;
  /** Called once after a sign-in completed on the redirect URI; default: `history.replaceState` to `returnTo`. */
  readonly onRedirectCallback?: (returnTo: string) => void;
  readonly children?: ReactNode;
}

/** One completion per client and page load: StrictMode runs effects twice, the code can be exchanged only once. */
const completions = new WeakMap<BrowserClient, { readonly promise: Promise<RedirectResult>; delivered: boolean }>();

const replaceUrl = (returnTo: string): void => history.replaceState(history.state, '', returnTo);

/**
 * Makes the client available to the hooks and, when the page is the redirect URI, completes the sign-in exactly once
 * (also under React StrictMode's double effects) and calls `onRedirectCallback` with the same-origin `returnTo`.
 *
 * @param props - the client, the redirect callback and the children.
 * @returns the provider element.
 * @see RFC 6749 §4.1.2 (the authorization response)
 * @example
 * const auth = createBrowserClient({ issuer, clientId, resources: [api] });
 * createRoot(root).render(<AudienceProvider client={auth}><App /></AudienceProvider>);
 */
export function AudienceProvider({ client, onRedirectCallback, children }: AudienceProviderProps): ReactElement {
  const [completing, setCompleting] = useState(() => client?.isRedirectCallback() === true);
  const [error, setError] = useState<unknown>(undefined);
  const onRedirect = useRef(onRedirectCallback);
  onRedirect.current = onRedirectCallback;

  useEffect(() => {
    if (!client) return;
    let completion = completions.get(client);
    if (!completion) {
      if (!client.isRedirectCallback()) return;
      completion = { promise: client.handleRedirectCallback(), delivered: false };
      completions.set(client, completion);
    }
    const current = completion;
    let live = true;
    current.promise.then(
      ({ returnTo }) => {
        if (!current.delivered) {
          current.delivered = true;
          (onRedirect.current ?? replaceUrl)(returnTo);
        }
        if (live) setCompleting(false);
      },
      (err: unknown) => {
        if (!live) return;
        setError(err);
        setCompleting(false);
      },
    );
    return () => {
      live = false;
    };
  }, [client]);

  const value = useMemo<AudienceContextValue>(() => ({ client, completing, error }), [client, completing, error]);
  return createElement(AudienceContext.Provider, { value }, children);
}
