import type { BrowserContext } from 'playwright-core';

/** Flags that let Debian's Chromium run headless as root on a machine without outside network. */
export declare const CHROMIUM_ARGS: readonly string[];
/** The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium`; a clear error when it is missing. */
export declare function chromiumPath(): string;
/** Launches headless Chromium with a persistent profile in a fresh temporary folder. */
export declare function launchChromium(): Promise<BrowserContext & { dispose(): Promise<void> }>;
