#!/usr/bin/env node
'use strict';
/**
 * `node bench/browser/ab.js <baseline tree> [samples]`: vos built from another checkout against vos built from this
 * one (and the shim), in one Chromium page, samples interleaved (ab-page.ts). For deciding whether a change makes
 * a browser workload faster when the run-to-run spread of `npm run bench:browser` is larger than the change.
 * A baseline tree is any checkout with node_modules, e.g. main's tree:
 *
 *   mkdir /tmp/vos-base && git archive main | tar -x -C /tmp/vos-base && ln -s "$PWD/node_modules" /tmp/vos-base/node_modules
 *   node bench/browser/ab.js /tmp/vos-base 41
 *
 * Prints the medians per arm and the quartiles and median of the per-sample ratios (new/base < 1: this tree is
 * faster). WORKLOAD=<name> picks another workload of worker.ts (default startup); BENCH_LIMIT_MS is not applied.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bundle, REPO } = require('../../tests/browser/build');
const { startStaticServer } = require('../../tests/browser/server');
const { launchChromium } = require('../../tests/browser/chromium');
const { workerEntries } = require('./run');

async function main() {
  if (!process.argv[2]) throw new Error('usage: node bench/browser/ab.js <baseline tree> [samples]');
  const base = path.resolve(process.argv[2]);
  const samples = process.argv[3] ?? '31';
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-ab-'));
  let server;
  let browser;
  try {
    await bundle({ ab: path.join(__dirname, 'ab-page.ts'), ...workerEntries(__dirname) }, out, { minify: true });
    // The baseline's vos worker, bundled by the baseline's own build script from its own sources.
    const baseOut = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-ab-base-'));
    try {
      const baseVos = workerEntries(path.join(base, 'bench/browser'))['bench-worker-vos'];
      if (baseVos.endsWith('worker.ts')) {
        console.warn('note: the baseline predates per-host worker bundles: its vos worker carries the shim too (a heavier heap), so new/base is biased in favour of this tree');
      }
      await require(path.join(base, 'tests/browser/build')).bundle({ 'base-worker': baseVos }, baseOut, { minify: true });
      fs.copyFileSync(path.join(baseOut, 'base-worker.js'), path.join(out, 'base-worker.js'));
    } finally {
      fs.rmSync(baseOut, { recursive: true, force: true });
    }
    fs.writeFileSync(path.join(out, 'ab.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="/build/ab.js"></script>');
    server = await startStaticServer({ root: REPO, mounts: { '/build/': out } });
    browser = await launchChromium({ jsFlags: ['--expose-gc'] });
    const page = await browser.context.newPage();
    await page.goto(`${server.url}/build/ab.html?samples=${samples}&workload=${process.env.WORKLOAD ?? 'startup'}`);
    await page.waitForFunction(() => globalThis.__ab !== undefined, null, { timeout: 15 * 60_000, polling: 500 });
    const r = await page.evaluate(() => globalThis.__ab);
    if (r.error) throw new Error(r.error);
    const q = (x) => `${x[1].toFixed(3)} [${x[0].toFixed(3)} ${x[2].toFixed(3)}]`;
    const m = r.medians;
    console.log(`medians ms: base ${m.base.toFixed(1)}  new ${m.new.toFixed(1)}  shim ${m.shim.toFixed(1)}  (${samples} samples each)`);
    console.log(`per-sample ratios, median [q1 q3]: new/base ${q(r.newOverBase)}  base/shim ${q(r.baseOverShim)}  new/shim ${q(r.newOverShim)}`);
  } finally {
    await browser?.close();
    await server?.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
