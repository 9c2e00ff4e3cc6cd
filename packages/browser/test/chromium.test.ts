import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchChromium } from './support/chromium.js';

let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>audience</title><button onclick="this.textContent=String(!!navigator.locks && !!indexedDB)">go</button>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

it('drives real headless Chromium with the platform APIs the browser package needs', async () => {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(origin);
    await page.click('button');
    expect(await page.textContent('button')).toBe('true');
  } finally {
    await browser.dispose();
  }
});
