import type { BrowserClient } from '@audience/browser';

declare global {
  interface Window {
    app: {
      auth: BrowserClient;
      renders: Record<string, string[]>;
      expireTokens(): Promise<void>;
    };
  }
}
