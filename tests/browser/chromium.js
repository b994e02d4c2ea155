'use strict';
/**
 * Launches Debian's Chromium through playwright-core (never a downloaded browser): headless, with the flags that
 * keep it quiet and offline, and a fresh user-data-dir that is removed on close (so OPFS and IndexedDB start
 * empty on every run, and persist across reloads within one).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.VOS_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];

/**
 * Resolves to `{ context, close() }`: a persistent context on a fresh profile directory. `jsFlags` are V8 flags
 * for every page and worker (the browser bench passes `--expose-gc`; the tests pass none).
 */
async function launchChromium({ headless = true, jsFlags = [] } = {}) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set VOS_CHROMIUM`);
  }
  const { chromium } = require('playwright-core');
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless,
    args: jsFlags.length ? [...FLAGS, `--js-flags=${jsFlags.join(' ')}`] : FLAGS,
  });
  return {
    context,
    close: async () => {
      await context.close().catch(() => {});
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

module.exports = { launchChromium, CHROMIUM_FLAGS: FLAGS };
