'use strict';
// `npm run bench`: compares @vos/wasi with node:wasi on the workloads in lib/workloads.js.
// Each sample runs in a fresh child process (lib/child.js); hosts alternate vos, node, vos, node, ...
// Environment (all optional):
//   BENCH_SAMPLES           samples per host per workload (default 5)
//   BENCH_ONLY              comma-separated workload names to run
//   BENCH_HELLO_ITERATIONS  instantiations per hello_instantiate sample (default 200)
//   BENCH_WARMUP=0          skip the untimed warm-up run inside each sample process
//   BENCH_TIMEOUT_MS        per-sample limit (default 60000)
//   BENCH_TMPDIR            where sample directories go (default /dev/shm, see lib/sandbox.js)
//   BENCH_VOS_MODULE        module to load instead of '@vos/wasi'
//   BENCH_VOS_FS=memory     serve vos's sandbox from @vos/fs-memory (node:wasi stays on the host directory)
//   BENCH_COLD_SAMPLES      samples per host of each cold-start workload (default 31)
//   BENCH_STRICT=1          exit 1 if vos ran and failed or missed a target
// The table goes to stdout, progress to stderr, and the full result to bench/results/latest.json.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { WORKLOADS, wasmPath, helloIterations } = require('./lib/workloads');
const { loadHost } = require('./lib/hosts');
const { tmpRoot, createRunDir, removeRunDir } = require('./lib/sandbox');
const { median, formatMs, formatTable } = require('./lib/stats');
const { measureCold } = require('./lib/cold');

const HOSTS = ['vos', 'node'];
const HOST_LABEL = { vos: '@vos/wasi', node: 'node:wasi' };
const CHILD = path.join(__dirname, 'lib', 'child.js');
const RESULTS = path.join(__dirname, 'results', 'latest.json');
const MAX_CRASH_RETRIES = 2;

function positiveInt(text, fallback, name) {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(text)}`);
  return n;
}

function selectWorkloads(only) {
  if (!only) return WORKLOADS;
  const names = only.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !WORKLOADS.some((w) => w.name === n));
  if (unknown.length) {
    throw new Error(`unknown workload(s) ${unknown.join(', ')}; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
  }
  return WORKLOADS.filter((w) => names.includes(w.name));
}

/** Builds missing wasm programs with the repository's one build script (committed binaries are used as they are). */
function ensureWasm(workloads) {
  const missing = [...new Set(workloads.filter((w) => !fs.existsSync(wasmPath(w))).map((w) => w.wasm || w.name))];
  if (missing.length === 0) return;
  process.stderr.write(`building missing wasm: ${missing.join(', ')}\n`);
  const r = spawnSync('bash', [path.join(__dirname, '..', 'scripts', 'build-wasm.sh')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/build-wasm.sh failed; see bench/README.md for the build command');
}

/** Spawns one sample process. Returns { ok, ms } or { ok: false, error }, plus `signal` if the child died of one. */
function spawnSample(host, workload, timeoutMs, runDir) {
  const r = spawnSync(process.execPath, ['--no-warnings', CHILD, host, workload.name], {
    env: { ...process.env, BENCH_RUN_DIR: runDir },
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.error) {
    return { ok: false, error: r.error.code === 'ETIMEDOUT' ? `timed out after ${timeoutMs} ms` : String(r.error) };
  }
  const last = r.stdout.trim().split('\n').pop();
  const stderrTail = r.stderr.trim().split('\n').slice(-3).join(' | ');
  try {
    const result = JSON.parse(last);
    if (!result.ok && stderrTail) result.error += ` | stderr: ${stderrTail}`;
    return result;
  } catch {
    return { ok: false, signal: r.signal, error: `child exited ${r.status ?? r.signal} without a result; stderr: ${stderrTail}` };
  }
}

/**
 * One sample, retried up to MAX_CRASH_RETRIES times if the child is killed by a signal (node:wasi segfaults
 * intermittently when one process starts hundreds of instances; see README). Every crash is counted and
 * reported, so a host that crashes is visible in the output even when a retry succeeded.
 */
function runSample(host, workload, timeoutMs, runDir, perHost) {
  for (let attempt = 0; ; attempt++) {
    const r = spawnSample(host, workload, timeoutMs, runDir);
    if (r.ok || !r.signal || r.error.startsWith('timed out')) return r;
    perHost.crashes.push(r.signal);
    if (attempt >= MAX_CRASH_RETRIES) return r;
  }
}

function main() {
  const samples = positiveInt(process.env.BENCH_SAMPLES, 5, 'BENCH_SAMPLES');
  const coldSamples = positiveInt(process.env.BENCH_COLD_SAMPLES, 31, 'BENCH_COLD_SAMPLES');
  const timeoutMs = positiveInt(process.env.BENCH_TIMEOUT_MS, 60000, 'BENCH_TIMEOUT_MS');
  const workloads = selectWorkloads(process.env.BENCH_ONLY);
  ensureWasm(workloads);

  // Probe vos once here so a missing build costs nothing per sample; the children load it again themselves.
  const vos = loadHost('vos');
  const hosts = vos.ok ? HOSTS : HOSTS.filter((h) => h !== 'vos');
  if (!vos.ok) process.stderr.write(`@vos/wasi unavailable (${vos.reason}); measuring node:wasi only\n`);
  process.stderr.write(`${samples} sample(s) per host, each in a fresh process; sandboxes under ${tmpRoot()}\n`);

  const started = Date.now();
  const runDir = createRunDir();
  let results;
  try {
    results = workloads.map((w) => measureWorkload(w, { hosts, vos, samples, coldSamples, timeoutMs, runDir }));
  } finally {
    removeRunDir(runDir); // also whatever a crashed sample process could not clean up
  }

  printTable(results, vos.ok);
  const elapsedS = (Date.now() - started) / 1000;
  process.stderr.write(`total ${elapsedS.toFixed(1)} s\n`);
  writeResults({
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    samplesPerHost: samples,
    helloIterations: helloIterations(),
    vosAvailable: vos.ok,
    tmpRoot: tmpRoot(),
    elapsedS,
    results,
  });

  const failed = results.some((r) => r.node.error || (vos.ok && (r.vos.error || r.met === false)));
  if (process.env.BENCH_STRICT === '1' && failed) process.exitCode = 1;
  else if (results.some((r) => r.node.error)) process.exitCode = 1; // the harness itself is broken
}

/** All samples of one workload, alternating hosts; returns its entry in latest.json. */
function measureWorkload(workload, { hosts, vos, samples, coldSamples, timeoutMs, runDir }) {
  const perHost = Object.fromEntries(HOSTS.map((h) => [h, { samples: [], errors: [], crashes: [] }]));
  if (!vos.ok) perHost.vos.errors.push(vos.reason);
  if (workload.kind === 'cold') {
    samples = coldSamples;
    measureCold(workload, wasmPath(workload), { hosts, samples, timeoutMs, perHost });
  }
  for (let i = 0; i < samples && workload.kind !== 'cold'; i++) {
    for (const host of hosts) {
      // Once a host has failed on this workload, further samples would only fail again (or time out).
      if (perHost[host].errors.length) continue;
      const r = runSample(host, workload, timeoutMs, runDir, perHost[host]);
      if (r.ok) perHost[host].samples.push(r.ms);
      else perHost[host].errors.push(r.error);
    }
    if (process.stderr.isTTY) process.stderr.write(`\r${workload.name}: sample ${i + 1}/${samples}`);
  }
  process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${workload.name}: ${samples} sample(s) done\n`);
  const vosMedian = perHost.vos.errors.length ? NaN : median(perHost.vos.samples);
  const nodeMedian = perHost.node.errors.length ? NaN : median(perHost.node.samples);
  const ratio = vosMedian / nodeMedian;
  return {
    name: workload.name,
    description: workload.description,
    target: workload.target,
    vos: hostResult(vosMedian, perHost.vos),
    node: hostResult(nodeMedian, perHost.node),
    ratio: finiteOrNull(ratio),
    met: Number.isFinite(ratio) ? ratio <= workload.target : null,
  };
}

function hostResult(medianMs, perHost) {
  return {
    medianMs: finiteOrNull(medianMs),
    samplesMs: perHost.samples,
    crashesRetried: perHost.crashes.length,
    error: perHost.errors[0] ?? null,
  };
}

function finiteOrNull(x) {
  return Number.isFinite(x) ? x : null;
}

function printTable(results, vosAvailable) {
  const rows = [['workload', `${HOST_LABEL.vos} ms`, `${HOST_LABEL.node} ms`, 'vos/node:wasi', 'target', 'met?']];
  for (const r of results) {
    const vosCell = r.vos.error && vosAvailable ? 'error' : formatMs(r.vos.medianMs ?? NaN);
    const nodeCell = r.node.error ? 'error' : formatMs(r.node.medianMs ?? NaN);
    rows.push([
      r.name,
      vosCell,
      nodeCell,
      r.ratio === null ? 'n/a' : r.ratio.toFixed(2),
      `<= ${r.target.toFixed(2)}`,
      r.met === null ? 'n/a' : r.met ? 'yes' : 'NO',
    ]);
  }
  process.stdout.write(formatTable(rows) + '\n');
  const errors = results.flatMap((r) => ['vos', 'node']
    .filter((h) => r[h].error && (h === 'node' || vosAvailable))
    .map((h) => `  ${r.name} (${HOST_LABEL[h]}): ${r[h].error}`));
  if (errors.length) process.stdout.write('\nerrors:\n' + errors.join('\n') + '\n');
  const crashes = results.flatMap((r) => ['vos', 'node']
    .filter((h) => r[h].crashesRetried > 0)
    .map((h) => `  ${r.name} (${HOST_LABEL[h]}): ${r[h].crashesRetried} sample process(es) killed by a signal, retried`));
  if (crashes.length) process.stdout.write('\ncrashes:\n' + crashes.join('\n') + '\n');
}

function writeResults(data) {
  fs.mkdirSync(path.dirname(RESULTS), { recursive: true });
  fs.writeFileSync(RESULTS, JSON.stringify(data, null, 2) + '\n');
  process.stderr.write(`wrote ${path.relative(process.cwd(), RESULTS)}\n`);
}

try {
  main();
} catch (err) {
  process.stderr.write(`bench: ${err.message}\n`);
  process.exitCode = 2;
}
