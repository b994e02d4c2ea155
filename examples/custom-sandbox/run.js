// A custom sandbox: an inversify container swaps the clock for one of our own and adds a filesystem provider
// that serves `virtual:NAME` preopens from memory (other preopens stay host directories).
// Usage: node examples/custom-sandbox/run.js
'use strict';
require('reflect-metadata');
const fs = require('node:fs');
const path = require('node:path');
const { Container } = require('inversify');
const { TOKENS, WASI } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');
const { createNodeFileSystem } = require('@vos/fs-node');
const { SystemClock } = require('@vos/clock');

/**
 * Our own clock: realtime starts at the "billennium" (10^9 s after the epoch, 2001-09-09T01:46:40Z) and only
 * moves when the guest sleeps, which takes no real time. Any object with now/resolution/sleepUntil is a clock.
 */
class BillenniumClock {
  constructor() {
    this.monotonic = 0n;
  }
  now(id) {
    return id === 0 ? 1_000_000_000_000_000_000n + this.monotonic : this.monotonic;
  }
  resolution(id) {
    return id <= 1 ? 1n : 0n; // realtime and monotonic only: the CPU clocks are EINVAL
  }
  sleepUntil(deadline) {
    if (deadline > this.monotonic) this.monotonic = deadline;
  }
}

/** Virtual directories, by name: the filesystem provider serves these instead of host paths. */
const virtualTrees = {
  etc: { motd: 'Welcome to the custom sandbox.\n', 'hostname': 'tranquility\n' },
};

const container = new Container();
container.bind(TOKENS.Clock).toConstantValue(new BillenniumClock());
container.bind(TOKENS.HostDirectory).toConstantValue((hostPath) =>
  hostPath.startsWith('virtual:') ? MemoryFileSystem.fromObject(virtualTrees[hostPath.slice(8)] ?? {}, { clock: new SystemClock() }) : createNodeFileSystem(hostPath),
);

const guest = path.join(__dirname, '../../tests/cli/fixtures/vostest.wasm');
const wasi = new WASI({
  version: 'preview1',
  args: ['vostest', 'cat', '/etc/motd', 'cat', '/etc/hostname', 'time'],
  // node:wasi-style preopens, resolved through TOKENS.HostDirectory: our provider answers `virtual:etc`.
  preopens: { '/etc': 'virtual:etc' },
  container,
});
const code = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(guest)), wasi.getImportObject()));
console.log(`exit code ${code}`);
