'use strict';
// The benchmark workloads: which wasm program, how the host prepares its sandbox, and the target ratio
// (median vos time / median node:wasi time; the workload is "met" when the ratio is at or below it).
const fs = require('node:fs');
const path = require('node:path');

const READDIR_ENTRIES = 10000;

/** Instantiations per hello_instantiate sample: BENCH_HELLO_ITERATIONS, default 200. */
function helloIterations() {
  const n = Number(process.env.BENCH_HELLO_ITERATIONS);
  return Number.isInteger(n) && n > 0 ? n : 200;
}

/** Creates <dir>/big with 10,000 empty files, named e00000..e09999 (readdir_big.c counts names starting 'e'). */
function makeBigDirectory(dir) {
  const big = path.join(dir, 'big');
  fs.mkdirSync(big);
  for (let i = 0; i < READDIR_ENTRIES; i++) {
    fs.closeSync(fs.openSync(path.join(big, 'e' + String(i).padStart(5, '0')), 'w'));
  }
}

/**
 * kind 'run': one instance per sample; the timed region is wasi.start(instance) only.
 * kind 'instantiate': per sample, `iterations` x (new WASI + import object + new Instance + start), timed as
 *   a whole, with the WebAssembly.Module compiled once before timing.
 * stdout: 'file' (a regular file in the sandbox's parent temp dir) or 'null' (/dev/null); expectStdoutLines,
 *   when set, is checked after the run so a host cannot look fast by dropping output.
 * setup(dir): host-side preparation of the sandbox, done before timing and never timed.
 */
const WORKLOADS = [
  {
    name: 'clock_reads',
    description: '1,000,000 clock_gettime(CLOCK_MONOTONIC) reads',
    kind: 'run',
    stdout: 'null',
    target: 1.4,
  },
  {
    name: 'small_writes',
    description: '200,000 unbuffered 16-byte write() calls to a file',
    kind: 'run',
    stdout: 'null',
    target: 1.1, // issue 11 (native accelerator); the JS path's was 1.35
  },
  {
    name: 'seq_io',
    description: 'write then read a 64 MiB file in 64 KiB chunks',
    kind: 'run',
    stdout: 'null',
    target: 1.0, // issue 11 (native accelerator); the JS path's was 1.05
  },
  {
    name: 'file_churn',
    description: 'create, stat, readdir, unlink 5,000 small files',
    kind: 'run',
    stdout: 'null',
    target: 1.0, // issue 11 (native accelerator); the JS path's was 1.2
  },
  {
    name: 'readdir_big',
    description: '10 readdir passes over 10,000 entries (entries made by the harness, untimed)',
    kind: 'run',
    stdout: 'null',
    setup: makeBigDirectory,
    target: 0.3,
  },
  {
    name: 'deep_open',
    description: '50,000 open+close of a file 20 directories deep',
    kind: 'run',
    stdout: 'null',
    target: 1.0, // issue 11 (native accelerator); the JS path's was 1.5
  },
  {
    name: 'printf_lines',
    description: '200,000 printf lines, stdout redirected to a regular file',
    kind: 'run',
    stdout: 'file',
    expectStdoutLines: 200000,
    target: 1.0,
  },
  {
    name: 'hello_instantiate',
    wasm: 'hello',
    description: 'new WASI + instantiate + start of hello world, x BENCH_HELLO_ITERATIONS (default 200)',
    kind: 'instantiate',
    stdout: 'null',
    target: 0.5,
  },
  // Cold start (bench/lib/cold.js): a whole process, timed from spawn to exit, BENCH_COLD_SAMPLES samples.
  {
    name: 'cold_require',
    wasm: 'hello',
    description: "node script: require('@vos/wasi') and run hello world, vs the same with require('node:wasi')",
    kind: 'cold',
    target: 1.3,
  },
  {
    name: 'cold_import',
    wasm: 'hello',
    description: "ES module: import('@vos/wasi') and run hello world, vs the same with import('node:wasi')",
    kind: 'cold',
    target: 1.3,
  },
  {
    name: 'cold_cli',
    wasm: 'hello',
    description: 'vos run hello.wasm (the vos command), vs a node script running it with node:wasi',
    kind: 'cold',
    target: 1.3,
  },
];

function wasmPath(workload) {
  return path.join(__dirname, '..', 'wasm', 'bin', (workload.wasm || workload.name) + '.wasm');
}

function findWorkload(name) {
  return WORKLOADS.find((w) => w.name === name);
}

module.exports = { WORKLOADS, wasmPath, findWorkload, helloIterations };
