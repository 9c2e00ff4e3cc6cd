import type { AuthState, BrowserClient } from '@audience/browser';

declare global {
  interface Window {
    app: {
      auth: BrowserClient;
      states: AuthState[];
      sameOriginPath(value: unknown, origin: string): string;
      ready: Promise<void>;
      webStorage(): { local: number; session: number; cookie: string };
      readSession(): Promise<unknown>;
      expireTokens(): Promise<void>;
    };
  }
}
