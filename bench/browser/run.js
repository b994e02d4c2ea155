#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:browser`: vos against @bjorn3/browser_wasi_shim in headless Chromium, in the same page and run,
 * on the in-memory workloads (bench/browser/page.ts). Prints a table of medians and ratios (vos / shim: below 1
 * means vos is faster, with the spread of the per-sample-pair ratios) and writes bench/results/browser-latest.json. `startup_parts` is startup again with its
 * three phases (construct, instantiate, start) timed apart, one row each.
 *
 *   BENCH_SAMPLES=5       samples per host per workload (startup takes at least 31)
 *   BENCH_ONLY=a,b        only these workloads (startup alone: BENCH_ONLY=startup,startup_parts)
 *   BENCH_LIMIT_MS=60000  longest one sample may take (a host past it stops on that workload: "> limit")
 *   BENCH_JS_FLAGS=...    more V8 flags for the run, e.g. `--trace-gc` (with DEBUG=pw:browser the workers'
 *                         collections appear on stderr; docs/decisions.md, "startup in Chromium", reads them)
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { bundle, REPO } = require('../../tests/browser/build');
const { startStaticServer } = require('../../tests/browser/server');
const { launchChromium } = require('../../tests/browser/chromium');

/**
 * The bench's worker bundles in `dir` (a bench/browser directory): one per host, with only that host's code
 * (bench-worker-vos, bench-worker-shim), or the single worker.ts that trees before the split had (both names
 * then point at it).
 */
function workerEntries(dir) {
  if (fs.existsSync(path.join(dir, 'worker-vos.ts'))) {
    return { 'bench-worker-vos': path.join(dir, 'worker-vos.ts'), 'bench-worker-shim': path.join(dir, 'worker-shim.ts') };
  }
  return { 'bench-worker-vos': path.join(dir, 'worker.ts'), 'bench-worker-shim': path.join(dir, 'worker.ts') };
}

async function main() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-bench-browser-'));
  let server;
  let browser;
  try {
    await bundle({ bench: path.join(__dirname, 'page.ts'), ...workerEntries(__dirname) }, out, { minify: true });
    fs.writeFileSync(path.join(out, 'bench.html'), '<!doctype html><meta charset="utf-8"><script type="module" src="/build/bench.js"></script>');
    server = await startStaticServer({ root: REPO, mounts: { '/build/': out } });
    // --expose-gc: before each sample both hosts' workers collect their garbage, untimed (page.ts says why).
    const extraFlags = (process.env.BENCH_JS_FLAGS ?? '').split(/\s+/).filter(Boolean);
    browser = await launchChromium({ jsFlags: ['--expose-gc', ...extraFlags] });
    const page = await browser.context.newPage();
    const query = new URLSearchParams();
    if (process.env.BENCH_SAMPLES) query.set('samples', process.env.BENCH_SAMPLES);
    if (process.env.BENCH_ONLY) query.set('only', process.env.BENCH_ONLY);
    if (process.env.BENCH_LIMIT_MS) query.set('limit', process.env.BENCH_LIMIT_MS);
    await page.goto(`${server.url}/build/bench.html?${query}`);
    await page.waitForFunction(() => globalThis.__benchResults !== undefined, null, { timeout: 15 * 60_000, polling: 500 });
    const results = await page.evaluate(() => globalThis.__benchResults);
    if (!Array.isArray(results)) throw new Error(results.error);
    const version = browser.context.browser()?.version() ?? '';
    const shimVersion = JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules/@bjorn3/browser_wasi_shim/package.json'), 'utf8')).version;
    const fmt = (ms) => (ms === null ? 'fails' : ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
    const fmtRatio = (x) => (x < 0.01 ? x.toExponential(1) : x.toFixed(2));
    const rows = [['workload', 'n', 'vos ms', `shim ${shimVersion} ms`, 'vos/shim', 'pairs min [q1 q3] max', 'what']];
    for (const r of results) {
      const shim = r.bound ? `> ${(Number(process.env.BENCH_LIMIT_MS ?? 60000) / 1000).toFixed(0)} s` : fmt(r.shim);
      const ratio = r.ratio === null ? '-' : `${r.bound ? '< ' : ''}${fmtRatio(r.ratio)}`;
      const pairs = r.pairs ? `${fmtRatio(r.pairs[0])} [${fmtRatio(r.pairs[1])} ${fmtRatio(r.pairs[2])}] ${fmtRatio(r.pairs[3])}` : '-';
      rows.push([r.name, String(r.samples), fmt(r.vos), shim, ratio, pairs, r.description]);
    }
    const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
    console.log(`Chromium ${version}, medians of n samples per host (lower is better; vos/shim < 1: vos faster; pairs: the spread of sample i's vos/shim)`);
    for (const row of rows) console.log(row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
    for (const r of results) {
      for (const [host, err] of Object.entries(r.errors)) console.log(`  ${r.name}: ${host} failed: ${err}`);
    }
    fs.mkdirSync(path.join(__dirname, '..', 'results'), { recursive: true });
    fs.writeFileSync(path.join(__dirname, '..', 'results', 'browser-latest.json'), JSON.stringify({ chromium: version, shim: shimVersion, results }, null, 2) + '\n');
  } finally {
    await browser?.close();
    await server?.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err && err.stack ? err.stack : err);
    process.exit(1);
  });
}

module.exports = { workerEntries };
