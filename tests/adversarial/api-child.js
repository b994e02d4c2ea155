// Child process of adversarial.test.ts: the adversarial guest through the WASI API (not the CLI), one fresh
// instance per attack, over the backend named in argv, with the host directory DIR mounted at /w. Prints JSON.
// Run: node --max-old-space-size=256 -r tests/api/ts-register.js tests/adversarial/api-child.js BACKEND DIR
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { WASI } = require('@vos/wasi');
const { CollectorSink } = require('@vos/stdio');
const { MemoryFileSystem } = require('@vos/fs-memory');
const { createNodeFileSystem } = require('@vos/fs-node');
const { OverlayFileSystem, ReadOnlyFileSystem } = require('@vos/fs-overlay');
const { SystemClock } = require('@vos/clock');
const CLOCK = new SystemClock();

const [backend, dir] = process.argv.slice(2);
const module_ = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'bin/adversary.wasm')));

function mount() {
  switch (backend) {
    case 'memory': return new MemoryFileSystem({ clock: CLOCK });
    case 'host': return dir; // a host path: opened by vos itself (TOKENS.HostDirectory)
    case 'overlay': return new OverlayFileSystem(new ReadOnlyFileSystem(createNodeFileSystem(dir)), new MemoryFileSystem({ clock: CLOCK }));
    case 'read-only': return new ReadOnlyFileSystem(createNodeFileSystem(dir));
    default: throw new Error(`unknown backend ${backend}`);
  }
}

const results = [];
for (const commands of ['names', 'fds end=trap', 'fill', 'deep=2000', 'symout', 'climb', 'listings']) {
  if (commands === 'fill' && backend === 'host') {
    results.push({ commands, code: 0, stdout: ['skipped'] }); // a host directory has no quota but the disk
    continue;
  }
  if (commands === 'listings' && backend === 'host') {
    results.push({ commands, code: 0, stdout: ['skipped'] }); // 3,000 host files: slow here, run by the vos run tests
    continue;
  }
  const fsys = mount();
  const stdout = new CollectorSink();
  const wasi = new WASI({
    version: 'preview1',
    args: ['adversary', 'cd=/w', ...commands.split(' ')],
    mounts: { '/w': fsys },
    stdio: { stdin: 'null', stdout, stderr: 'null' },
  });
  let code;
  try {
    code = wasi.start(new WebAssembly.Instance(module_, wasi.getImportObject()));
  } catch (err) {
    if (!(err instanceof WebAssembly.RuntimeError)) throw err;
    code = 'trap';
  }
  if (fsys instanceof OverlayFileSystem) fsys.dispose();
  results.push({ commands, code, stdout: stdout.text().split('\n').filter((l) => l !== '' && !l.startsWith('cd: ')) });
}
process.stdout.write(JSON.stringify(results));
