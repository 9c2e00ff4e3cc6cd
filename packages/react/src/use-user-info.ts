import type { UserInfo } from '@audience/browser';
import { useAudienceContext } from './context.js';
import { useSignedInValue, type AsyncView } from './use-access-token.js';

/**
 * The signed-in user's claims from the userinfo endpoint, loaded once per sign-in (not on every token refresh).
 *
 * @returns `{ status, data, error }`.
 * @throws {Error} outside `<AudienceProvider>`.
 * @see OpenID Connect Core §5.3
 */
export function useUserInfo(): AsyncView<UserInfo> {
  const { client } = useAudienceContext();
  return useSignedInValue('userinfo', undefined, client && (() => client.fetchUserInfo()));
}
