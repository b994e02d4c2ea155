'use strict';
// One host's part of the live-sandboxes benchmark: `node --expose-gc live-child.js <host> <count>`.
// Builds <count> hello-world sandboxes (new WASI + instantiate + start, stdout to /dev/null) and keeps every one
// alive, as a server holding many guests would. Prints progress lines ({ progress }) and finally one JSON line:
// { ok, count, msPerInstance, heapPerInstance, rssPerInstance }. Memory is measured after full GCs, against a
// baseline taken after an untimed warm-up of the same size as the sample's first batch.
const fs = require('node:fs');
const path = require('node:path');
const { loadHost, importObject } = require('./hosts');

const [hostName, countText] = process.argv.slice(2);
const count = Number(countText);
const WARMUP = 200;

function gcFully() {
  for (let i = 0; i < 3; i++) global.gc();
}

function heap() {
  const m = process.memoryUsage();
  return { heap: m.heapUsed + m.external, rss: m.rss };
}

function main() {
  const host = loadHost(hostName);
  if (!host.ok) return report({ ok: false, error: host.reason });
  if (typeof global.gc !== 'function') return report({ ok: false, error: 'run with --expose-gc' });
  const module = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, '..', 'wasm', 'bin', 'hello.wasm')));
  const devNull = fs.openSync('/dev/null', 'w');
  const options = { version: 'preview1', args: ['hello'], env: {}, stdout: devNull, returnOnExit: true };
  const make = () => {
    const wasi = new host.WASI(options);
    const instance = new WebAssembly.Instance(module, importObject(wasi));
    const code = wasi.start(instance);
    if (code !== 0 && code !== undefined) throw new Error(`guest exited with code ${code}`);
    return { wasi, instance };
  };
  // Warm-up (untimed, then dropped): the host's JavaScript is compiled and the allocator has its pages.
  let warm = [];
  for (let i = 0; i < WARMUP; i++) warm.push(make());
  warm = null;
  gcFully();
  const before = heap();
  const live = [];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    live.push(make());
    if ((i + 1) % 1000 === 0) process.stdout.write(JSON.stringify({ progress: i + 1 }) + '\n');
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  gcFully();
  const after = heap();
  report({
    ok: true,
    count: live.length,
    msPerInstance: ms / count,
    heapPerInstance: (after.heap - before.heap) / count,
    rssPerInstance: (after.rss - before.rss) / count,
  });
}

function report(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

try {
  main();
} catch (err) {
  report({ ok: false, error: String((err && err.stack) || err).split('\n').slice(0, 3).join(' | ') });
}
