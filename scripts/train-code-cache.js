'use strict';
// The training run behind the V8 code caches of the Node.js builds (run by scripts/bundle.js with
// VOS_CODE_CACHE_WRITE=1): what a cold start does, so the caches hold the functions it compiles. Loads every
// package; runs hello world through @vos/wasi on a preopened host directory and on an in-memory root, composed
// from options and, once, through `modules` (which evaluates the inversify inlined in @vos/wasi, lazily: see
// packages/wasi/src/modules-container.ts; a host composing with DI then finds it compiled in the cache too).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
for (const name of fs.readdirSync(path.join(ROOT, 'packages'))) {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', name, 'package.json'), 'utf8'));
  if (name !== 'cli') require(pkg.name);
}
const { WASI, TOKENS } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');

const devNull = fs.openSync(os.devNull, 'w');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-train-'));
try {
  const programs = ['bench/wasm/bin/hello.wasm', 'examples/hello/hello.wasm'].map((p) => new WebAssembly.Module(fs.readFileSync(path.join(ROOT, p))));
  const worlds = [
    { preopens: { '/sandbox': dir } },
    { mounts: { '/': ({ clock }) => new MemoryFileSystem({ clock }) } },
    {},
    { modules: [{ id: 0.25, load: ({ bind }) => { bind(TOKENS.Settings).toConstantValue({ args: ['hello'], env: {}, preopens: [] }); } }] },
  ];
  for (const module of programs) {
    for (const world of worlds) {
      const wasi = new WASI({ version: 'preview1', args: ['hello', '/sandbox'], env: {}, stdout: devNull, ...world });
      wasi.start(new WebAssembly.Instance(module, wasi.getImportObject()));
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
