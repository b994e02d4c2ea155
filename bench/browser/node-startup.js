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
    bundle: true, format: 'iife', platform: 'browser', conditions: ['browser'], external: ['node:fs'],
    outfile: out, target: 'es2022', logLevel: 'warning', nodePaths: [path.join(tree, 'node_modules')],
  });
  const r = spawnSync(process.execPath, ['--expose-gc', ...nodeFlags, out], { stdio: 'inherit' });
  process.exitCode = r.status ?? 1;
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
