export { createRedisLock, type RedisLock, type RedisLockOptions } from './redis-lock.js';
export { createRedisTokenCache } from './redis-token-cache.js';
export { createRedisSessionStore, type RedisSessionStoreOptions } from './redis-session-store.js';
export type { RedisAdapterOptions, RedisClient, RedisSubscriber } from './redis-client.js';
