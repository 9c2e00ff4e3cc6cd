export { AudienceProvider, type AudienceProviderProps } from './provider.js';
export { useAuth, type AuthView } from './use-auth.js';
export { useAccessToken, type AccessTokenView, type AsyncView } from './use-access-token.js';
export { useUserInfo } from './use-user-info.js';
export { RequireAuth, type RequireAuthProps } from './require-auth.js';
