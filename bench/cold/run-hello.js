'use strict';
// Cold start, CommonJS: a fresh Node process loads a WASI host and runs one program (hello world), as a user's
// script would. `node run-hello.js node|vos prog.wasm`: `node` is node:wasi, `vos` is require('@vos/wasi') (its
// built dist). Timed from the outside by the harness (process spawn to exit), see bench/lib/cold.js.
const { readFileSync } = require('node:fs');
const { WASI } = require(process.argv[2] === 'node' ? 'node:wasi' : '@vos/wasi');

const wasi = new WASI({ version: 'preview1', args: ['hello'], env: {}, returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[3])), wasi.getImportObject());
process.exitCode = wasi.start(instance);
