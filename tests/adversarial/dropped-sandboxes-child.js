// Child process of dropped-sandboxes.test.ts. @vos/wasi must hold nothing a host gave to a sandbox it dropped.
// Runs a few guests whose mount, stdout callback, instance and memory are watched through WeakRefs, drops them,
// collects, and prints JSON: how many of each are still alive (all must be 0) and what the guests wrote.
// Run: node --expose-gc -r tests/api/ts-register.js tests/adversarial/dropped-sandboxes-child.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { WASI } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');
const { SystemClock } = require('@vos/clock');

const module_ = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, '../api/fixtures/hello.wasm')));
const refs = { fs: [], callback: [], wasi: [], instance: [], memory: [] };
let written = 0;

function runOne() {
  const memfs = new MemoryFileSystem({ clock: new SystemClock() });
  const callback = (chunk) => void (written += chunk.length);
  const wasi = new WASI({ version: 'preview1', mounts: { '/w': memfs }, mountPreopens: ['/w'], stdio: { stdin: 'x', stdout: callback, stderr: 'null' } });
  const instance = new WebAssembly.Instance(module_, wasi.getImportObject());
  const code = wasi.start(instance);
  if (code !== 0) throw new Error(`exit code ${code}`);
  refs.fs.push(new WeakRef(memfs));
  refs.callback.push(new WeakRef(callback));
  refs.wasi.push(new WeakRef(wasi));
  refs.instance.push(new WeakRef(instance));
  refs.memory.push(new WeakRef(instance.exports.memory));
}

for (let i = 0; i < 5; i++) runOne();
// WeakRefs are kept alive until the end of the job that made or read them: collect in a later task.
setTimeout(() => {
  globalThis.gc();
  globalThis.gc();
  const alive = {};
  for (const [k, list] of Object.entries(refs)) alive[k] = list.filter((r) => r.deref() !== undefined).length;
  process.stdout.write(JSON.stringify({ alive, written }) + '\n');
}, 0);
