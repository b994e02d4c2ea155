'use strict';
// `npm run bench:iovec`: the cost of one fd_write/fd_pwrite/fd_pread call on a host-directory file, with one
// iovec and with several, for @vos/wasi (fs-node's native path and its JavaScript path) and node:wasi. Unlike the
// workloads of `npm run bench`, it isolates the per-call cost: a reactor (bench/wasm/src/iovec_io.wat) makes n
// calls in a loop, the same bytes each time, so the kernel's share is small and constant.
//
// Each host runs in its own child process, ROUNDS times, alternating; within a child every case is warmed up and
// then timed REPS times; the figure is the fastest time per call seen (µs), the statistic least moved by other
// load on the machine. BENCH_BASELINE_MODULE adds another build of @vos/wasi (native path) as 'baseline'.
// Environment: IOVEC_ROUNDS (default 3), IOVEC_REPS (default 15), BENCH_TMPDIR (see bench/README.md).
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const CASES = [
  // [label, op (0 fd_write appending, 1 fd_pwrite at 0, 2 fd_pread at 0), bytes per call, iovecs, calls]
  ['fd_write 16 B, 1 iovec', 0, 16, 1, 20000],
  ['fd_write 16 B, 4 iovecs', 0, 16, 4, 20000],
  ['fd_pread 16 B, 1 iovec', 2, 16, 1, 20000],
  ['fd_pread 16 B, 4 iovecs', 2, 16, 4, 20000],
  ['fd_pwrite 64 KiB, 1 iovec', 1, 65536, 1, 1000],
  ['fd_pwrite 64 KiB, 16 iovecs', 1, 65536, 16, 1000],
  ['fd_pread 64 KiB, 1 iovec', 2, 65536, 1, 1000],
  ['fd_pread 64 KiB, 16 iovecs', 2, 65536, 16, 1000],
];

const HOSTS = {
  vos: { label: '@vos/wasi native', host: 'vos', env: { VOS_FS_NODE_NATIVE: '1' } },
  vosjs: { label: 'vos js-path', host: 'vosjs', env: { VOS_FS_NODE_NATIVE: '0' } },
  base: { label: 'baseline', host: 'base', env: { VOS_FS_NODE_NATIVE: '1', BENCH_VOS_MODULE: process.env.BENCH_BASELINE_MODULE } },
  node: { label: 'node:wasi', host: 'node', env: {} },
};

function positiveInt(name, fallback) {
  const v = process.env[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
}

/** In a child: every case on one host; prints { ok, us: [per case] } or { ok: false, error }. */
function child(hostName) {
  const { loadHost, GUEST_DIR } = require('./lib/hosts');
  const { createSandbox, removeSandbox } = require('./lib/sandbox');
  const host = loadHost(hostName === 'base' ? 'vos' : hostName);
  if (!host.ok) return console.log(JSON.stringify({ ok: false, error: host.reason }));
  const reps = positiveInt('IOVEC_REPS', 15);
  const sandbox = createSandbox(`iovec-${hostName}`);
  try {
    const wasi = new host.WASI({ version: 'preview1', args: [], env: {}, preopens: { [GUEST_DIR]: sandbox.sandboxDir }, returnOnExit: true });
    const module = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'wasm', 'bin', 'iovec_io.wasm')));
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport });
    wasi.initialize(instance);
    const { open, run } = instance.exports;
    const fd = open();
    if (fd < 0) throw new Error(`path_open failed: errno ${-1000 - fd}`);
    const us = CASES.map(([label, op, len, iovs, n]) => {
      if (op === 2) run(1, 1, len, 1); // something to read back
      let best = Infinity;
      for (let r = -2; r < reps; r++) { // two untimed rounds first, so V8 has optimised the host's code
        const t0 = process.hrtime.bigint();
        const got = run(op, n, len, iovs);
        const t1 = process.hrtime.bigint();
        if (got !== len) throw new Error(`${label}: a call gave ${got}`);
        if (r >= 0) best = Math.min(best, Number(t1 - t0) / 1e3 / n);
      }
      return best;
    });
    console.log(JSON.stringify({ ok: true, us }));
  } catch (err) {
    console.log(JSON.stringify({ ok: false, error: String((err && err.message) || err) }));
  } finally {
    removeSandbox(sandbox);
  }
}

function main() {
  const rounds = positiveInt('IOVEC_ROUNDS', 3);
  const names = ['vos', 'vosjs', ...(process.env.BENCH_BASELINE_MODULE ? ['base'] : []), 'node'];
  const best = Object.fromEntries(names.map((n) => [n, CASES.map(() => Infinity)]));
  for (let round = 0; round < rounds; round++) {
    for (const name of names) {
      const r = spawnSync(process.execPath, [__filename, '--child', HOSTS[name].host], {
        env: { ...process.env, ...HOSTS[name].env },
        encoding: 'utf8',
        timeout: 300_000,
      });
      const line = (r.stdout || '').trim().split('\n').pop() || '{}';
      const result = JSON.parse(line);
      if (!result.ok) throw new Error(`${HOSTS[name].label}: ${result.error || r.stderr}`);
      result.us.forEach((us, i) => (best[name][i] = Math.min(best[name][i], us)));
    }
    process.stderr.write(`round ${round + 1}/${rounds} done\n`);
  }
  const header = ['case (µs per call, fastest seen)', ...names.map((n) => HOSTS[n].label), ...names.filter((n) => n !== 'node').map((n) => `${HOSTS[n].label} / node:wasi`)];
  const rows = CASES.map(([label], i) => [
    label,
    ...names.map((n) => best[n][i].toFixed(3)),
    ...names.filter((n) => n !== 'node').map((n) => (best[n][i] / best.node[i]).toFixed(2)),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  for (const row of [header, widths.map((w) => '-'.repeat(w)), ...rows]) {
    console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '));
  }
}

if (process.argv[2] === '--child') child(process.argv[3]);
else main();
