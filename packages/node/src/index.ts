export * from '@audience/core';
export { createServiceClient, type ServiceClient, type ServiceClientOptions } from './service-client.js';
export { createMemoryTokenCache, type CachedToken, type TokenCacheStore } from './token-cache.js';
export type { ClientCredentials, TokenEndpointAuthMethod } from './client-authentication.js';
export type { ServerSideOptions } from './service-options.js';
export {
  createResourceServer,
  type AccessTokenClaims,
  type ResourceServer,
  type ResourceServerOptions,
  type TokenSource,
} from './resource-server.js';
export { bearerErrorResponse, requireAccessToken, type AuthenticatedRequest, type BearerErrorResponse } from './bearer-middleware.js';
export { createWebAppClient, type WebAppClient, type WebAppClientOptions, type WebAppSignInOptions } from './web-app-client.js';
