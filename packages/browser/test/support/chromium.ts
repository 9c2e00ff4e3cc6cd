// The one Chromium launcher, shared with the browser benchmark (scripts/bench-browser.js).
export { CHROMIUM_ARGS, chromiumPath, launchChromium } from '../../../../scripts/chromium.js';
