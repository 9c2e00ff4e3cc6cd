import { expect, it } from 'vitest';

it('imports in Node (SSR) without touching window, document or IndexedDB', async () => {
  expect(typeof window).toBe('undefined');
  const browser = await import('@audience/browser');
  expect(typeof browser.createBrowserClient).toBe('function');
  expect(typeof browser.createOidcClient).toBe('function'); // core is re-exported
  expect(typeof browser.isAudienceError).toBe('function');
});
