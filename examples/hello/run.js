// Runs examples/hello/hello.wasm under @vos/wasi with a fresh sandbox directory preopened at /sandbox.
// Usage: node examples/hello/run.js [path/to/module.wasm] [guest args...]
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { WASI } = require('@vos/wasi');

const wasmFile = process.argv[2] ?? path.join(__dirname, 'hello.wasm');
const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-sandbox-'));
const wasi = new WASI({
  version: 'preview1',
  args: [path.basename(wasmFile), ...(process.argv.length > 3 ? process.argv.slice(3) : ['/sandbox'])],
  env: { LANG: 'C.UTF-8' },
  preopens: { '/sandbox': sandbox },
});
const wasmModule = new WebAssembly.Module(fs.readFileSync(wasmFile));
const instance = new WebAssembly.Instance(wasmModule, wasi.getImportObject());
const code = wasi.start(instance);
fs.rmSync(sandbox, { recursive: true, force: true });
process.exitCode = code;
