import { createContext, useContext, type Context } from 'react';
import type { BrowserClient } from '@audience/browser';

/** What the provider shares with the hooks. */
export interface AudienceContextValue {
  /** The browser client; undefined where it cannot exist (server rendering). */
  readonly client: BrowserClient | undefined;
  /** True while the provider completes a sign-in on the redirect URI. */
  readonly completing: boolean;
  /** Why completing the sign-in failed, if it did. */
  readonly error: unknown;
}

export const AudienceContext: Context<AudienceContextValue | null> = createContext<AudienceContextValue | null>(null);

/** The provider's value; a hook used outside `<AudienceProvider>` is a programming error. */
export function useAudienceContext(): AudienceContextValue {
  const value = useContext(AudienceContext);
  if (!value) throw new Error('Audience hooks must be used inside <AudienceProvider>');
  return value;
}
