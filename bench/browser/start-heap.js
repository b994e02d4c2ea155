#!/usr/bin/env node
'use strict';
/**
 * `node bench/browser/start-heap.js [tree]`: what hello-world starts leave in a Chromium page's heap (not a timing
 * run). For an empty page, the shim and vos (the browser bench's options), on the page's main thread: the heap in
 * use after load and two collections, and after 3,000 starts and two collections; for the shim and vos also a
 * heap snapshot at both points and their difference by object type (compiled code `InstructionStream`s, feedback
 * vectors, bytecode, ...). A start's code in the heap is what every later full collection marks; see
 * docs/benchmarks.md, "Startup in Chromium, sixth session: less JavaScript per start". `tree` (default this
 * checkout) is the vos checkout whose sources are bundled.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { startStaticServer } = require('../../tests/browser/server');
const { launchChromium } = require('../../tests/browser/chromium');

const tree = path.resolve(process.argv[2] ?? path.join(__dirname, '../..'));
const { bundle } = require(path.join(tree, 'tests/browser/build'));

const RUN = `(globalThis as any).lines = () => lines;
(globalThis as any).run = (module: WebAssembly.Module) => { for (let i = 0; i < 1000; i++) START; };`;
const PAGES = {
  empty: `let lines = 0; ${RUN.replace('START', 'lines += 0')}`,
  shim: `import * as shim from '@bjorn3/browser_wasi_shim';
let lines = 0;
const start = (module: WebAssembly.Module) => {
  const fds = [new shim.OpenFile(new shim.File(new Uint8Array(0))), new shim.ConsoleStdout((c: Uint8Array) => void (lines += c.length)), new shim.ConsoleStdout(() => undefined), new shim.PreopenDirectory('/sandbox', new Map())];
  const w = new shim.WASI(['hello', '/sandbox'], [], fds);
  w.start(new WebAssembly.Instance(module, { wasi_snapshot_preview1: w.wasiImport as any }) as any);
};
${RUN.replace('START', 'start(module)')}`,
  vos: `import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CallbackSink } from '@vos/stdio';
let lines = 0;
const start = (module: WebAssembly.Module) => {
  const w = new WASI({
    version: 'preview1', args: ['hello', '/sandbox'],
    mounts: { '/sandbox': ({ clock }: any) => new MemoryFileSystem({ clock }) }, mountPreopens: ['/sandbox'],
    stdio: { stdin: '', stdout: new CallbackSink((c: Uint8Array) => void (lines += c.length)), stderr: 'null' }, returnOnExit: true,
  } as any);
  w.start(new WebAssembly.Instance(module, w.getImportObject() as any));
};
${RUN.replace('START', 'start(module)')}`,
};

/** Self sizes by object type (and name, for code and shapes) of a heap snapshot. */
function byType(snapshot) {
  const meta = snapshot.snapshot.meta;
  const width = meta.node_fields.length;
  const types = meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((f) => meta.node_fields.indexOf(f));
  const out = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + iType]];
    const name = type === 'code' || type === 'object shape' ? snapshot.strings[snapshot.nodes[i + iName]].replace(/\(code for .*\)/, '(code for …)').slice(0, 50) : '';
    const key = `${type} ${name}`.trim();
    const v = out.get(key) ?? [0, 0];
    v[0] += snapshot.nodes[i + iSize];
    v[1]++;
    out.set(key, v);
  }
  return out;
}

async function main() {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-start-heap-'));
  const entries = {};
  for (const [name, source] of Object.entries(PAGES)) {
    // Inside the tree, so that its node_modules (the shim) resolve.
    entries[name] = path.join(tree, 'bench/browser', `.start-heap-${process.pid}-${name}.ts`);
    fs.writeFileSync(entries[name], source);
  }
  let server;
  let browser;
  try {
    await bundle(entries, out, { minify: true });
    for (const name of Object.keys(PAGES)) fs.writeFileSync(path.join(out, `${name}.html`), `<!doctype html><script type="module" src="/build/${name}.js"></script>`);
    fs.copyFileSync(path.join(tree, 'bench/wasm/bin/hello.wasm'), path.join(out, 'hello.wasm'));
    server = await startStaticServer({ root: tree, mounts: { '/build/': out } });
    browser = await launchChromium({ jsFlags: ['--expose-gc'] });
    for (const name of Object.keys(PAGES)) {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/build/${name}.html`);
      await page.waitForFunction(() => globalThis.run !== undefined);
      const cdp = await browser.context.newCDPSession(page);
      const collect = () => page.evaluate(() => { gc(); gc(); });
      const used = async () => { await collect(); return (await cdp.send('Runtime.getHeapUsage')).usedSize; };
      const snapshot = async () => {
        await collect();
        const chunks = [];
        const onChunk = (e) => chunks.push(e.chunk);
        cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
        await cdp.send('HeapProfiler.enable');
        await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
        cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
        return byType(JSON.parse(chunks.join('')));
      };
      const before = name === 'empty' ? null : await snapshot();
      const loaded = await used();
      await page.evaluate(async () => {
        const module = await WebAssembly.compile(await (await fetch('/build/hello.wasm')).arrayBuffer());
        for (let i = 0; i < 3; i++) globalThis.run(module);
      });
      const ran = await used();
      const bytes = await page.evaluate(() => globalThis.lines());
      console.log(`${name}: heap in use ${(loaded / 1024).toFixed(0)} KB after load, ${(ran / 1024).toFixed(0)} KB after 3,000 starts (bundle ${fs.statSync(path.join(out, `${name}.js`)).size} B; ${bytes} bytes written by the guests)`);
      if (before !== null) {
        const after = await snapshot();
        const rows = [...after].map(([key, [size, count]]) => [key, size - (before.get(key)?.[0] ?? 0), count - (before.get(key)?.[1] ?? 0)]);
        rows.sort((a, b) => b[1] - a[1]);
        console.log(`  snapshot growth ${(rows.reduce((n, r) => n + r[1], 0) / 1024).toFixed(0)} KB, largest by type:`);
        for (const [key, size, count] of rows.slice(0, 8)) console.log(`  ${(size / 1024).toFixed(1).padStart(7)} KB ${String(count).padStart(5)}  ${key}`);
      }
      await page.close();
    }
  } finally {
    for (const file of Object.values(entries)) fs.rmSync(file, { force: true });
    await browser?.close();
    await server?.close();
    fs.rmSync(out, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
