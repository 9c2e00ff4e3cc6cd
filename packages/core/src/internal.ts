// Building blocks for Audience's adapter packages (@audience/browser, @audience/node). Not a stable public API.
export { createRequestOptions, type RequestOptions } from './request-options.js';
export { createDiscovery } from './discovery.js';
export { clientWithClock } from './client-context.js';
export { toAudienceError } from './to-audience-error.js';
export { placeToken, type PlacedToken } from './token-placement.js';
export { SESSION_KEY, cacheKey, usableUntil } from './session.js';
export { assertResource, assertScopes, resolveOptions } from './options.js';
export { sameOriginPath } from './return-to.js';
export { TRANSACTION_TTL_MS } from './sign-in.js';
