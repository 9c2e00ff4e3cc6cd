// Headless Chromium for the browser tests and the browser benchmark: Debian's Chromium, the flags that work on a
// machine without outside network, a persistent profile in a fresh temporary folder.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/** Flags that let Debian's Chromium run headless as root on a machine without outside network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`; a clear error when it is missing. */
export function chromiumPath() {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `Chromium not found at ${path}. The browser tests need a real Chromium: install Debian's package ` +
        '(`apt-get install -y chromium`) or set CHROMIUM_PATH to a Chromium binary. They are never skipped.',
    );
  }
  return path;
}

/**
 * Launches headless Chromium with a persistent profile in a fresh temporary folder (so IndexedDB, Web Locks and
 * BroadcastChannel behave as in a real browser profile shared by several tabs).
 */
export async function launchChromium() {
  const profile = await mkdtemp(join(tmpdir(), 'audience-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
  return Object.assign(context, {
    async dispose() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  });
}
