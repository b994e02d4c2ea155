// A read-only data mount: the guest reads /data (a host directory) but cannot change it; its scratch space is
// an in-memory /. The same world from the command line (from the repo root, after npm ci):
//   npx vos run --ro-dir examples/read-only-data/data::/data tests/cli/fixtures/vostest.wasm \
//     ls /data cat /data/temperatures.csv write /data/temperatures.csv x write /tmp-results.txt fine cat /tmp-results.txt
// Usage: node examples/read-only-data/run.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { WASI } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');
const { ReadOnlyFileSystem } = require('@vos/fs-overlay');
const { createNodeFileSystem } = require('@vos/fs-node');

// A tiny scriptable guest (tests/cli/fixtures/vostest.c): each word is a command it runs and reports on.
const guest = path.join(__dirname, '../../tests/cli/fixtures/vostest.wasm');
const data = path.join(__dirname, 'data');

const wasi = new WASI({
  version: 'preview1',
  args: ['vostest', 'ls', '/data', 'cat', '/data/temperatures.csv',
    'write', '/data/temperatures.csv', 'tampered', // refused: EROFS
    'rm', '/data/README.txt', // refused: EROFS
    'write', '/tmp-results.txt', 'fine', 'cat', '/tmp-results.txt'], // the in-memory root is writable
  mounts: {
    '/': ({ clock }) => new MemoryFileSystem({ clock }), // stamped by the instance's clock
    '/data': new ReadOnlyFileSystem(createNodeFileSystem(data)),
  },
});
const code = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(guest)), wasi.getImportObject()));
console.log(`exit code ${code}; data/temperatures.csv on the host still reads:`);
process.stdout.write(fs.readFileSync(path.join(data, 'temperatures.csv'), 'utf8'));
