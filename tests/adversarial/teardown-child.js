// Child process of teardown.test.ts: runs N guests one after another in this one process, each leaving fds,
// directory listings and a created file open as it ends (return, proc_exit, trap in turn), over the backend named
// in argv, through the WASI API. Prints JSON: host fds and heap before and after (after a GC).
// Run: node --expose-gc -r tests/api/ts-register.js tests/adversarial/teardown-child.js BACKEND N DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { WASI } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');
const { createNodeFileSystem } = require('@vos/fs-node');
const { OverlayFileSystem, ReadOnlyFileSystem } = require('@vos/fs-overlay');
const { SystemClock } = require('@vos/clock');
const CLOCK = new SystemClock();

const [backend, count, dir] = process.argv.slice(2);
const n = Number(count);
const module_ = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'bin/teardown.wasm')));

function world() {
  switch (backend) {
    case 'host': return { options: { preopens: { '/w': dir } }, done() {} };
    case 'memory': return { options: { mounts: { '/w': new MemoryFileSystem({ clock: CLOCK }) }, mountPreopens: ['/w'] }, done() {} };
    case 'read-only': return { options: { mounts: { '/w': new ReadOnlyFileSystem(createNodeFileSystem(dir)) }, mountPreopens: ['/w'] }, done() {} };
    case 'overlay': {
      const ov = new OverlayFileSystem(new ReadOnlyFileSystem(createNodeFileSystem(dir)), new MemoryFileSystem({ clock: CLOCK }));
      return { options: { mounts: { '/w': ov }, mountPreopens: ['/w'] }, done: () => ov.dispose() };
    }
    default: throw new Error(`unknown backend ${backend}`);
  }
}

function fds() {
  return fs.readdirSync('/proc/self/fd').length;
}

function runOne(i) {
  const w = world();
  const args = ['t', 'x', 'y'].slice(0, 1 + (i % 3)); // argc 1 return, 2 proc_exit, 3 trap
  const wasi = new WASI({ version: 'preview1', args, stdio: { stdin: 'null', stdout: 'null', stderr: 'null' }, ...w.options });
  const instance = new WebAssembly.Instance(module_, wasi.getImportObject());
  try {
    wasi.start(instance);
  } catch (err) {
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
  }
  w.done();
}

// Warm up (JIT, lazily created module state), then measure.
for (let i = 0; i < 30; i++) runOne(i);
global.gc();
const before = { fds: fds(), heap: process.memoryUsage().heapUsed };
const started = Date.now();
for (let i = 0; i < n; i++) runOne(i);
global.gc();
global.gc();
const after = { fds: fds(), heap: process.memoryUsage().heapUsed };
process.stdout.write(JSON.stringify({ backend, runs: n, before, after, ms: Date.now() - started }) + '\n');
