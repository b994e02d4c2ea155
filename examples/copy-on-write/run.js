// Copy-on-write over a project directory: the guest sees the project and may change anything, every change
// stays in memory, and afterwards the host asks the overlay what changed. The project on disk never changes.
// From the command line (from the repo root, after npm ci):
//   npx vos run --overlay examples/copy-on-write/project::/project --diff tests/cli/fixtures/vostest.wasm \
//     write /project/README.md "rewritten" rm /project/build.log write /project/src/gen.c "/* generated */"
// Usage: node examples/copy-on-write/run.js
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { WASI } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');
const { OverlayFileSystem, ReadOnlyFileSystem } = require('@vos/fs-overlay');
const { createNodeFileSystem } = require('@vos/fs-node');
const { SystemClock } = require('@vos/clock');

const guest = path.join(__dirname, '../../tests/cli/fixtures/vostest.wasm');
const project = path.join(__dirname, 'project');
const before = fs.readFileSync(path.join(project, 'README.md'), 'utf8');

// Lower: the project, read-only. Upper: memory, where every change lands.
const overlay = new OverlayFileSystem(new ReadOnlyFileSystem(createNodeFileSystem(project)), new MemoryFileSystem({ clock: new SystemClock() }));
const wasi = new WASI({
  version: 'preview1',
  args: ['vostest', 'write', '/project/README.md', '# rewritten by the guest',
    'rm', '/project/build.log', 'write', '/project/src/gen.c', '/* generated */', 'ls', '/project'],
  mounts: { '/': ({ clock }) => new MemoryFileSystem({ clock }), '/project': overlay },
});
const code = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(guest)), wasi.getImportObject()));

const { created, modified, deleted } = overlay.changes();
console.log(`exit code ${code}; what the guest changed:`);
for (const p of deleted) console.log(`D ${p}`);
for (const p of modified) console.log(`M ${p}`);
for (const p of created) console.log(`A ${p}`);
const after = fs.readFileSync(path.join(project, 'README.md'), 'utf8');
console.log(`project/README.md on the host is ${after === before ? 'unchanged' : 'CHANGED (bug!)'}`);
console.log(`project/build.log on the host ${fs.existsSync(path.join(project, 'build.log')) ? 'still exists' : 'is GONE (bug!)'}`);
