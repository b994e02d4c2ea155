'use strict';
// One benchmark sample in a fresh process: `node child.js <host> <workload>`.
// Prints exactly one JSON line on stdout: { ok: true, ms, cpuMs? } or { ok: false, unavailable?, error }.
// Unless BENCH_WARMUP=0, the workload first runs untimed (twice by default; own WASI, instance and sandbox), so V8 has
// finished tiering up the guest code and the host's JavaScript before the timed run; see README "Method".
// Only the timed region is measured (see workloads.js): process start-up, module compilation, sandbox setup
// and cleanup are not.
const fs = require('node:fs');
const { GUEST_DIR, loadHost, wasiOptions, importObject } = require('./hosts');
const { findWorkload, wasmPath, helloIterations } = require('./workloads');
const { createSandbox, removeSandbox } = require('./sandbox');

const HELLO_ITERATIONS = helloIterations();
// How many untimed warm-up runs (default 2): vos's syscalls are JavaScript that V8 optimises only after
// thousands of calls, while node:wasi's are C++; one run is not always enough for a short workload.
const WARMUP_RUNS = process.env.BENCH_WARMUP === undefined ? 2 : Number(process.env.BENCH_WARMUP);
if (!Number.isInteger(WARMUP_RUNS) || WARMUP_RUNS < 0) throw new Error('BENCH_WARMUP must be a whole number of runs');
const WARMUP_INSTANTIATIONS = 20;

function checkExit(code) {
  // returnOnExit: start() returns the proc_exit code; a host that returns nothing on a clean exit is accepted.
  if (code !== 0 && code !== undefined) throw new Error(`guest exited with code ${code}`);
}

/**
 * kind 'run': the elapsed milliseconds of wasi.start() on a fresh instance, and the CPU time the process spent
 * meanwhile (user + system, every thread: the host's background compilation and GC count too).
 */
function timeOneRun(WASI, module, options) {
  const wasi = new WASI(options);
  const instance = new WebAssembly.Instance(module, importObject(wasi));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const code = wasi.start(instance);
  const t1 = process.hrtime.bigint();
  const cpu = process.cpuUsage(cpu0);
  checkExit(code);
  return { ms: Number(t1 - t0) / 1e6, cpuMs: (cpu.user + cpu.system) / 1e3 };
}

/** kind 'instantiate': total milliseconds of `iterations` x (new WASI, instantiate, start). */
function timeInstantiations(WASI, module, options, iterations) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) {
    const wasi = new WASI(options);
    const instance = new WebAssembly.Instance(module, importObject(wasi));
    checkExit(wasi.start(instance));
  }
  const t1 = process.hrtime.bigint();
  return Number(t1 - t0) / 1e6;
}

function countNewlines(file) {
  const data = fs.readFileSync(file);
  let n = 0;
  for (let i = 0; i < data.length; i++) if (data[i] === 10) n++;
  return n;
}

/**
 * One complete run in its own sandbox; returns { ms, cpuMs? } of the timed region. The warm-up of an
 * 'instantiate' workload does only WARMUP_INSTANTIATIONS: enough to tier up, and node:wasi crashes more often
 * the more instances one process starts (see README "Known node:wasi crash").
 */
function runInFreshSandbox(host, hostName, workload, module, isWarmup) {
  const sandbox = createSandbox(`${workload.name}-${hostName}`);
  const stdoutPath = workload.stdout === 'file' ? sandbox.stdoutFile : '/dev/null';
  const stdinFd = fs.openSync('/dev/null', 'r');
  const stdoutFd = fs.openSync(stdoutPath, 'w');
  try {
    if (workload.setup) workload.setup(sandbox.sandboxDir);
    const options = wasiOptions({
      hostName,
      args: [workload.name, GUEST_DIR],
      sandboxDir: sandbox.sandboxDir,
      stdin: stdinFd,
      stdout: stdoutFd,
      stderr: 2,
    });
    const timed = workload.kind === 'instantiate'
      ? { ms: timeInstantiations(host.WASI, module, options, isWarmup ? WARMUP_INSTANTIATIONS : HELLO_ITERATIONS) }
      : timeOneRun(host.WASI, module, options);
    if (workload.expectStdoutLines !== undefined) {
      const lines = countNewlines(stdoutPath);
      if (lines !== workload.expectStdoutLines) {
        throw new Error(`stdout has ${lines} lines, expected ${workload.expectStdoutLines}`);
      }
    }
    return timed;
  } finally {
    fs.closeSync(stdinFd);
    fs.closeSync(stdoutFd);
    removeSandbox(sandbox);
  }
}

function main() {
  const [hostName, workloadName] = process.argv.slice(2);
  const workload = findWorkload(workloadName);
  if (!workload) return report({ ok: false, error: `unknown workload ${workloadName}` });
  const host = loadHost(hostName);
  if (!host.ok) return report({ ok: false, unavailable: true, error: host.reason });
  try {
    const module = new WebAssembly.Module(fs.readFileSync(wasmPath(workload)));
    for (let i = 0; i < WARMUP_RUNS; i++) runInFreshSandbox(host, hostName, workload, module, true);
    report({ ok: true, ...runInFreshSandbox(host, hostName, workload, module, false) });
  } catch (err) {
    report({ ok: false, error: String((err && err.stack) || err).split('\n').slice(0, 3).join(' | ') });
  }
}

function report(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

main();
