// Cold start, ES module: as run-hello.js, with `import()` of the host (node:wasi or @vos/wasi).
import { readFileSync } from 'node:fs';

const { WASI } = await import(process.argv[2] === 'node' ? 'node:wasi' : '@vos/wasi');
const wasi = new WASI({ version: 'preview1', args: ['hello'], env: {}, returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[3])), wasi.getImportObject());
process.exitCode = wasi.start(instance);
