'use strict';
// Cold start: the wall time of a whole Node process that loads a WASI host and runs hello world, vos against a
// process doing the same through node:wasi. Unlike the other workloads, the harness times these from the outside
// (spawn to exit): loading JavaScript is the cost being measured. See bench/README.md, "Cold start".
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const COLD = path.join(__dirname, '..', 'cold');
const VOS_BIN = path.join(ROOT, 'packages', 'cli', 'bin', 'vos.js');
/** Untimed runs of each command before the samples, so both start with the same files in the OS's page cache. */
const WARMUP_RUNS = 2;

/** The two commands of a cold-start workload, given the program's path. */
const COMMANDS = {
  cold_require: (wasm) => ({
    vos: [path.join(COLD, 'run-hello.js'), 'vos', wasm],
    node: [path.join(COLD, 'run-hello.js'), 'node', wasm],
  }),
  cold_import: (wasm) => ({
    vos: [path.join(COLD, 'run-hello.mjs'), 'vos', wasm],
    node: [path.join(COLD, 'run-hello.mjs'), 'node', wasm],
  }),
  cold_cli: (wasm) => ({
    vos: [VOS_BIN, 'run', wasm],
    node: [path.join(COLD, 'run-hello.js'), 'node', wasm],
  }),
};

const CPU_REPORT = path.join(COLD, 'cpu-report.js');
const CPU_ENV = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(CPU_REPORT)}`.trim() };

/**
 * One process, timed from spawn to exit; its stdout must be the program's greeting. Also its CPU time (user +
 * system, from cpu-report.js): wall time on a loaded machine is mostly waiting for a core, for both sides alike.
 */
function timeProcess(args, timeoutMs) {
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, env: CPU_ENV, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error) return { ok: false, error: String(r.error) };
  if (r.status !== 0 || r.stdout !== 'hello, world\n') {
    return { ok: false, error: `exit ${r.status ?? r.signal}, stdout ${JSON.stringify(r.stdout.slice(0, 80))}, stderr ${r.stderr.trim().split('\n').slice(-2).join(' | ')}` };
  }
  const cpu = /vos-bench-cpu-us (\d+)/.exec(r.stderr);
  return { ok: true, ms, cpuMs: cpu ? Number(cpu[1]) / 1000 : NaN };
}

/** Samples of one cold-start workload, alternating vos and node:wasi; `perHost` as in run.js. */
function measureCold(workload, wasm, { hosts, samples, timeoutMs, perHost }) {
  const commands = COMMANDS[workload.name](wasm);
  for (const host of hosts) for (let i = 0; i < WARMUP_RUNS; i++) timeProcess(commands[host], timeoutMs);
  for (let i = 0; i < samples; i++) {
    for (const host of hosts) {
      if (perHost[host].errors.length) continue;
      const r = timeProcess(commands[host], timeoutMs);
      if (r.ok) {
        perHost[host].samples.push(r.ms);
        (perHost[host].cpuSamples ??= []).push(r.cpuMs);
      } else {
        perHost[host].errors.push(r.error);
      }
    }
  }
}

module.exports = { measureCold, COMMANDS };
