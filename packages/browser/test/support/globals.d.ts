import type { AuthState, BrowserClient, createWebLock } from '@audience/browser';

declare global {
  interface Window {
    app: {
      auth: BrowserClient;
      states: AuthState[];
      sameOriginPath(value: unknown, origin: string): string;
      createWebLock: typeof createWebLock;
      ready: Promise<void>;
      webStorage(): { local: number; session: number; cookie: string };
      readSession(): Promise<unknown>;
      expireTokens(): Promise<void>;
    };
  }
}
