#!/usr/bin/env node
'use strict';
/**
 * `npm run test:browser`: vos's browser tests in Debian's Chromium (playwright-core, never a downloaded browser).
 * Bundles each page under tests/browser/pages with esbuild, serves the repository and the bundles from a local
 * static server (127.0.0.1, with the cross-origin-isolation headers except where a suite must run without them),
 * opens each page in headless Chromium, waits for its results (`window.__vosResults`, see harness.ts) and prints
 * them. Exits non-zero if any test failed. Runs as its own process, outside jest (BRIEF: no browser in a jest
 * worker).
 *
 *   node tests/browser/run.js [filter]      only the suites whose name contains `filter`
 *   VOS_BROWSER_VERBOSE=1                   print every test, and the pages' console
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bundle, REPO } = require('./build');
const { startStaticServer } = require('./server');
const { launchChromium } = require('./chromium');
const { SUITES } = require('./suites');

const VERBOSE = process.env.VOS_BROWSER_VERBOSE === '1';

async function main() {
  const filter = process.argv[2];
  const suites = SUITES.filter((s) => !filter || s.name.includes(filter));
  if (suites.length === 0) throw new Error(`no browser suite matches ${filter}`);
  const t0 = Date.now();
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-browser-build-'));
  let server;
  let browser;
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    // esbuild strips types without checking them: check the pages first (DOM lib, jest-style globals).
    const tsc = require('node:child_process').spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(__dirname, 'tsconfig.json')], { stdio: 'inherit' });
    if (tsc.status !== 0) throw new Error('the browser test pages do not type-check');
    const tCheck = Date.now();
    const entries = {};
    const gen = path.join(out, 'generated');
    fs.mkdirSync(gen);
    for (const s of suites) {
      if (s.generate) s.entries = s.generate(gen);
      for (const [name, file] of Object.entries(s.entries)) entries[name] = path.resolve(__dirname, file);
    }
    await bundle(entries, out);
    for (const s of suites) await s.prepare?.(out);
    for (const s of suites) {
      for (const page of Object.keys(s.entries)) {
        const html = `<!doctype html><meta charset="utf-8"><title>${s.name}</title><script type="module" src="/build/${page}.js"></script>`;
        fs.writeFileSync(path.join(out, `${page}.html`), html);
      }
    }
    const tBuild = Date.now();
    server = await startStaticServer({
      root: REPO,
      mounts: { '/build/': out },
      isolated: (url) => !url.searchParams.has('no-coi'),
    });
    browser = await launchChromium();
    for (const s of suites) {
      const tSuite = Date.now();
      const page = await browser.context.newPage();
      const log = [];
      page.on('console', (m) => log.push(`[console.${m.type()}] ${m.text()}`));
      page.on('requestfailed', (r) => log.push(`[requestfailed] ${r.url()}`));
      page.on('response', (r) => r.status() >= 400 && !r.url().endsWith('/favicon.ico') && log.push(`[http ${r.status()}] ${r.url()}`));
      page.on('pageerror', (e) => log.push(`[pageerror] ${e.stack ?? e.message}`));
      const url = `${server.url}/build/${s.page}.html${s.isolated === false ? '?no-coi' : ''}`;
      let results;
      try {
        results = s.run ? await s.run(page, url, { collect, entries: s.entries, server }) : await collect(page, () => page.goto(url), s.timeoutMs);
      } catch (err) {
        results = [{ name: '(runner)', status: 'failed', error: String(err && err.stack ? err.stack : err), ms: 0 }];
      }
      await page.close();
      let suiteFailed = 0;
      for (const r of results) {
        if (r.status === 'passed') passed++;
        else if (r.status === 'skipped') skipped++;
        else {
          failed++;
          suiteFailed++;
        }
        if (VERBOSE || r.status === 'failed') {
          const mark = r.status === 'passed' ? 'ok  ' : r.status === 'skipped' ? 'skip' : 'FAIL';
          console.log(`  ${mark} ${s.name} › ${r.name}${r.error ? `\n       ${r.error.replace(/\n/g, '\n       ')}` : ''}`);
        }
      }
      console.log(`${suiteFailed ? 'FAIL' : 'PASS'} ${s.name}: ${results.length} tests, ${suiteFailed} failed (${Date.now() - tSuite} ms)`);
      if ((VERBOSE || suiteFailed) && log.length) console.log(log.map((l) => `    ${l}`).join('\n'));
    }
    console.log(`browser tests: type-check ${tCheck - t0} ms, bundling ${tBuild - tCheck} ms, total ${Date.now() - t0} ms (Chromium ${browser.context.browser()?.version() ?? ''})`);
  } finally {
    await browser?.close();
    await server?.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed > 0 ? 1 : 0;
}

/** Loads the page (`navigate`: a goto or a reload) and waits for its harness to publish its results. */
async function collect(page, navigate, timeoutMs = 120_000) {
  // An uncaught error before the harness reports (a bundle that fails to load) ends the wait at once.
  let onError;
  const crashed = new Promise((_, reject) => {
    onError = (e) => reject(new Error(`uncaught in page before results: ${e.stack ?? e.message}`));
    page.on('pageerror', onError);
  });
  try {
    await navigate();
    await Promise.race([
      page.waitForFunction(() => globalThis.__vosResults !== undefined, null, { timeout: timeoutMs, polling: 100 }),
      crashed,
    ]);
    return await page.evaluate(() => globalThis.__vosResults);
  } finally {
    page.off('pageerror', onError);
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
