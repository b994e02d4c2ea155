#!/usr/bin/env node
'use strict';
/**
 * `node bench/browser/node-startup.js [options] [-- node flags]`: the browser bench's startup loop (the same
 * options as worker-vos.ts) with vos's *browser* build (its eager import object, its in-memory defaults) run by
 * Node, ten times faster to iterate on than Chromium and with V8's tools at hand (`--trace-deopt`,
 * `--print-opt-code`, `--cpu-prof`). Each sample is `repeat` starts in batches of 50, the three phases timed
 * apart as `startup_parts` does; by default two forced collections (`gc()`) precede each sample, as in the bench.
 *
 *   --samples=N    samples (default 10; the first two are not reported)
 *   --repeat=N     starts per sample (default 2000)
 *   --no-gc        no forced collection between samples
 *   --tree=DIR     the vos checkout to bundle (default this one; its packages must be built)
 *   --functions    instead of timing: the functions one start runs and how often (V8's precise coverage over
 *                  100 starts after 20 warm-up ones), by package, and their totals: distinct functions and calls
 *                  per start (docs/decisions.md, "Less JavaScript per sandbox start")
 *   -- FLAGS       node/V8 flags for the run, e.g. -- --trace-deopt --trace-gc
 *
 * Prints µs per start of construct / instantiate / start per sample. See docs/benchmarks.md, "Startup in
 * Chromium, fifth session", for what it found (forced collections with no sandbox alive drop vos's hidden classes).
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const esbuild = require('esbuild');

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash === -1 ? argv : argv.slice(0, dash);
const nodeFlags = dash === -1 ? [] : argv.slice(dash + 1);
const opt = (name, dflt) => {
  const a = own.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : a.slice(name.length + 3);
};
const tree = path.resolve(opt('tree', path.join(__dirname, '../..')));
const samples = Number(opt('samples', 10));
const repeat = Number(opt('repeat', 2000));
const forcedGc = !own.includes('--no-gc');
const functions = own.includes('--functions');

const ENTRY = `
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CallbackSink } from '@vos/stdio';
declare const require: any; declare const gc: () => void;
const module = new WebAssembly.Module(require('node:fs').readFileSync(${JSON.stringify(path.join(tree, 'bench/wasm/bin/hello.wasm'))}));
let lines = 0;
const newWasi = () => new WASI({
  version: 'preview1', args: ['hello', '/sandbox'],
  mounts: { '/sandbox': ({ clock }: any) => new MemoryFileSystem({ clock }) },
  mountPreopens: ['/sandbox'],
  stdio: { stdin: '', stdout: new CallbackSink((c: Uint8Array) => void (lines += c.length)), stderr: 'null' },
  returnOnExit: true,
} as any);
const B = 50; const made: any[] = new Array(B); const inst: any[] = new Array(B);
const startOnce = () => { const w = newWasi(); w.start(new WebAssembly.Instance(module, w.getImportObject() as any)); };
if (${functions}) {
  for (let i = 0; i < 20; i++) startOnce();
  const session = new (require('node:inspector').Session)();
  session.connect();
  // The inspector's callbacks run synchronously in the thread that posts.
  const post = (method: string, params?: object): any => { let out: any; session.post(method, params, (err: any, r: any) => { if (err) throw err; out = r; }); return out; };
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
  const N = 100;
  for (let i = 0; i < N; i++) startOnce();
  const { result } = post('Profiler.takePreciseCoverage');
  post('Profiler.stopPreciseCoverage');
  require('node:fs').writeFileSync(process.env.VOS_COVERAGE_OUT, JSON.stringify({ starts: N, result }));
  process.exit(0);
}
for (let s = 0; s < ${samples}; s++) {
  if (${forcedGc}) { gc(); gc(); }
  let c = 0, i2 = 0, st = 0;
  for (let done = 0; done < ${repeat}; done += B) {
    const t0 = performance.now();
    for (let i = 0; i < B; i++) { const w = newWasi(); made[i] = { w, imp: w.getImportObject() }; }
    const t1 = performance.now();
    for (let i = 0; i < B; i++) inst[i] = new WebAssembly.Instance(module, made[i].imp);
    const t2 = performance.now();
    for (let i = 0; i < B; i++) made[i].w.start(inst[i]);
    const t3 = performance.now();
    c += t1 - t0; i2 += t2 - t1; st += t3 - t2;
  }
  if (s >= 2) console.log('sample ' + s + ': construct ' + (c * 1000 / ${repeat}).toFixed(2) + ' / instantiate ' + (i2 * 1000 / ${repeat}).toFixed(1) + ' / start ' + (st * 1000 / ${repeat}).toFixed(2) + ' us per start');
}
if (lines === 0) throw new Error('the guests wrote nothing');
`;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-node-startup-'));
try {
  const out = path.join(dir, 'startup.js');
  esbuild.buildSync({
    stdin: { contents: ENTRY, loader: 'ts', resolveDir: tree },
    bundle: true, format: 'iife', platform: 'browser', conditions: ['browser'], external: ['node:fs', 'node:inspector', 'node:url'],
    outfile: out, target: 'es2022', logLevel: 'warning', nodePaths: [path.join(tree, 'node_modules')],
  });
  const coverage = path.join(dir, 'coverage.json');
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, out], { stdio: 'inherit', env: { ...process.env, VOS_COVERAGE_OUT: coverage } });
  process.exitCode = r.status ?? 1;
  if (functions && r.status === 0) printFunctions(JSON.parse(fs.readFileSync(coverage, 'utf8')), out);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The functions of vos that the covered starts ran, by package, with calls per start; then the totals. */
function printFunctions({ starts, result }, bundleFile) {
  const src = fs.readFileSync(bundleFile, 'utf8');
  // esbuild marks each module of the bundle with a `// path` line: a function belongs to the last one above it.
  const marks = [...src.matchAll(/\n\s*\/\/ (\S*packages\/([^/]+)\/\S*\.[jt]s)\n/g)].map((m) => [m.index, `@vos/${m[2]}`]);
  const loop = src.search(/\n\s*\/\/ <stdin>\n/); // the loop's own code comes last
  const url = require('node:url').pathToFileURL(bundleFile).href;
  const rows = [];
  for (const script of result) {
    if (script.url !== url) continue;
    for (const f of script.functions) {
      const r = f.ranges[0];
      if (r.count === 0 || r.startOffset === 0) continue; // not run, or the bundle's top level
      let pkg = null;
      for (const [at, name] of marks) {
        if (at > r.startOffset) break;
        pkg = name;
      }
      if (pkg === null || r.startOffset > loop) continue;
      rows.push([pkg, f.functionName || '(anonymous)', r.count / starts]);
    }
  }
  rows.sort((a, b) => a[0].localeCompare(b[0]) || b[2] - a[2]);
  for (const [pkg, name, per] of rows) console.log(`${per.toFixed(2).padStart(6)}  ${pkg.padEnd(16)}${name}`);
  const calls = rows.reduce((n, row) => n + row[2], 0);
  console.log(`per start: ${rows.length} distinct functions of vos run, ${calls.toFixed(0)} calls`);
}
