export * from '@audience/core';
export {
  createBrowserClient,
  type BrowserClient,
  type BrowserClientOptions,
  type BrowserSignInOptions,
  type RedirectResult,
} from './browser-client.js';
export { createIndexedDbStore, type IndexedDbStore } from './indexeddb-store.js';
export { createWebLock, type Heartbeat, type HeartbeatStore } from './web-lock.js';
