'use strict';
// `npm run bench`: compares @vos/wasi with node:wasi on the workloads in lib/workloads.js, then on 10,000 live
// hello-world sandboxes in one process (live-sandboxes.js: time and memory per instance).
// Each sample runs in a fresh child process (lib/child.js); hosts alternate vos, node, vos, node, ...
// Environment (all optional):
//   BENCH_SAMPLES           samples per host per workload (default 5)
//   BENCH_ONLY              comma-separated workload names to run (live_sandboxes: the live-sandboxes table)
//   LIVE_SANDBOXES          sandboxes kept alive at once in the live-sandboxes part (default 10000)
//   BENCH_HELLO_ITERATIONS  instantiations per hello_instantiate sample (default 200)
//   BENCH_WARMUP=0          skip the untimed warm-up run inside each sample process
//   BENCH_TIMEOUT_MS        per-sample limit (default 60000)
//   BENCH_TMPDIR            where sample directories go (default /dev/shm, see lib/sandbox.js)
//   BENCH_VOS_MODULE        module to load instead of '@vos/wasi'
//   BENCH_VOS_FS=memory     serve vos's sandbox from @vos/fs-memory (node:wasi stays on the host directory)
//   BENCH_COLD_SAMPLES      samples per host of each cold-start workload (default 31)
//   BENCH_STRICT=1          exit 1 if vos ran and failed or missed a target
//   BENCH_VOS_JS=0          do not also measure vos with @vos/fs-node's pure-JavaScript path (host 'vosjs')
//   BENCH_BASELINE_MODULE   also measure this build of @vos/wasi (an older checkout's dist) as host 'base'
// The table goes to stdout, progress to stderr, and the full result to bench/results/latest.json.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { WORKLOADS, wasmPath, helloIterations } = require('./lib/workloads');
const { loadHost } = require('./lib/hosts');
const { tmpRoot, createRunDir, removeRunDir } = require('./lib/sandbox');
const { median, formatMs, formatTable } = require('./lib/stats');
const { measureLiveSandboxes, printLiveSandboxes } = require('./live-sandboxes');
const { measureCold } = require('./lib/cold');
const { measureWorker, printWorker } = require('./worker');

// 'vos' is @vos/wasi as a user gets it (@vos/fs-node's native accelerator when it is built); 'vosjs' is the same
// with the pure-JavaScript path forced (VOS_FS_NODE_NATIVE=0), so both paths are measured in the same run.
// 'base' (with BENCH_BASELINE_MODULE) is another build, e.g. the last commit before a change, in the same run.
const HOSTS = [
  'vos',
  ...(process.env.BENCH_VOS_JS === '0' ? [] : ['vosjs']),
  ...(process.env.BENCH_BASELINE_MODULE ? ['base'] : []),
  'node',
];
const HOST_LABEL = { vos: '@vos/wasi', vosjs: 'vos js-path', base: 'baseline', node: 'node:wasi' };
const HOST_ENV = {
  vos: {},
  vosjs: { VOS_FS_NODE_NATIVE: '0' },
  base: { BENCH_VOS_MODULE: process.env.BENCH_BASELINE_MODULE, VOS_FS_NODE_NATIVE: '0' },
  node: {},
};
/** The "error" of a host that a workload does not measure (the JS path and the baseline on cold start). */
const NOT_MEASURED = 'not measured';
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
  const names = only.split(',').map((s) => s.trim()).filter((n) => n && n !== 'live_sandboxes');
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
    env: { ...process.env, ...HOST_ENV[host], BENCH_RUN_DIR: runDir },
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
  const onlyWorker = process.env.BENCH_ONLY === 'worker';
  const workloads = onlyWorker ? [] : selectWorkloads(process.env.BENCH_ONLY && process.env.BENCH_ONLY.split(',').filter((n) => n !== 'worker').join(','));
  ensureWasm(workloads);

  // Probe vos once here so a missing build costs nothing per sample; the children load it again themselves.
  const vos = loadHost('vos');
  const hosts = vos.ok ? HOSTS : HOSTS.filter((h) => h === 'node');
  if (!vos.ok) process.stderr.write(`@vos/wasi unavailable (${vos.reason}); measuring node:wasi only\n`);
  const fsPath = fsNodePath();
  process.stderr.write(`@vos/wasi host directories: ${fsPath}\n`);
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
  // 10,000 live sandboxes in one process (its own child processes; skipped when BENCH_ONLY names other workloads).
  let live = null;
  if (vos.ok && (!process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes('live_sandboxes'))) {
    live = measureLiveSandboxes();
    printLiveSandboxes(live);
  }
  // Guests in worker threads (bench/worker.js): channel round-trips, off/on-thread ratios, pool throughput.
  let worker = null;
  if (vos.ok && (!process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes('worker'))) {
    worker = measureWorker();
    process.stdout.write(printWorker(worker));
  }
  const elapsedS = (Date.now() - started) / 1000;
  process.stderr.write(`total ${elapsedS.toFixed(1)} s\n`);
  writeResults({
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    samplesPerHost: samples,
    helloIterations: helloIterations(),
    vosAvailable: vos.ok,
    fsNodePath: fsPath,
    tmpRoot: tmpRoot(),
    elapsedS,
    results,
    liveSandboxes: live,
    worker,
  });

  const failed = results.some((r) => r.node.error || (vos.ok && (r.vos.error || r.met === false)));
  if (process.env.BENCH_STRICT === '1' && failed) process.exitCode = 1;
  else if (results.some((r) => r.node.error)) process.exitCode = 1; // the harness itself is broken
}

/** All samples of one workload, alternating hosts; returns its entry in latest.json. */
function measureWorkload(workload, { hosts, vos, samples, coldSamples, timeoutMs, runDir }) {
  const perHost = Object.fromEntries(HOSTS.map((h) => [h, { samples: [], errors: [], crashes: [] }]));
  if (!vos.ok) for (const h of HOSTS) if (h !== 'node') perHost[h].errors.push(vos.reason);
  if (workload.kind === 'cold') {
    // Cold start does not depend on the filesystem path: only @vos/wasi as a user gets it, and node:wasi.
    for (const h of HOSTS) if (h !== 'vos' && h !== 'node') perHost[h].errors.push(NOT_MEASURED);
    samples = coldSamples;
    measureCold(workload, wasmPath(workload), { hosts: hosts.filter((h) => h === 'vos' || h === 'node'), samples, timeoutMs, perHost });
  }
  for (let i = 0; i < samples && workload.kind !== 'cold'; i++) {
    for (const host of hosts) {
      // Once a host has failed on this workload, further samples would only fail again (or time out).
      if (perHost[host].errors.length) continue;
      const r = runSample(host, workload, timeoutMs, runDir, perHost[host]);
      if (r.ok) {
        perHost[host].samples.push(r.ms);
        if (r.cpuMs !== undefined) (perHost[host].cpuSamples ??= []).push(r.cpuMs);
      } else perHost[host].errors.push(r.error);
    }
    if (process.stderr.isTTY) process.stderr.write(`\r${workload.name}: sample ${i + 1}/${samples}`);
  }
  process.stderr.write(`${process.stderr.isTTY ? '\r' : ''}${workload.name}: ${samples} sample(s) done\n`);
  const vosMedian = perHost.vos.errors.length ? NaN : median(perHost.vos.samples);
  const nodeMedian = perHost.node.errors.length ? NaN : median(perHost.node.samples);
  const ratio = vosMedian / nodeMedian;
  const jsMedian = !perHost.vosjs || perHost.vosjs.errors.length ? NaN : median(perHost.vosjs.samples);
  const baseMedian = !perHost.base || perHost.base.errors.length ? NaN : median(perHost.base.samples);
  return {
    name: workload.name,
    description: workload.description,
    target: workload.target,
    vos: hostResult(vosMedian, perHost.vos),
    node: hostResult(nodeMedian, perHost.node),
    ratio: finiteOrNull(ratio),
    ...(perHost.vosjs ? { vosjs: hostResult(jsMedian, perHost.vosjs), jsRatio: finiteOrNull(jsMedian / nodeMedian) } : {}),
    ...(perHost.base ? { base: hostResult(baseMedian, perHost.base), baseRatio: finiteOrNull(baseMedian / nodeMedian) } : {}),
    ...(workload.kind !== 'instantiate' ? cpuResult(perHost) : {}),
    met: Number.isFinite(ratio) ? ratio <= workload.target : null,
  };
}

/**
 * CPU time beside the wall time (user + system, every thread): of the whole process for cold start, of the timed
 * region for the run workloads. Medians and their ratio; the JavaScript path's too when it was measured.
 */
function cpuResult(perHost) {
  const cpuOf = (h) => (perHost[h] && !perHost[h].errors.length ? median(perHost[h].cpuSamples ?? []) : NaN);
  const vosCpu = cpuOf('vos');
  const nodeCpu = cpuOf('node');
  const jsCpu = cpuOf('vosjs');
  return {
    cpu: {
      vosMedianMs: finiteOrNull(vosCpu),
      nodeMedianMs: finiteOrNull(nodeCpu),
      ratio: finiteOrNull(vosCpu / nodeCpu),
      ...(Number.isFinite(jsCpu) ? { jsMedianMs: jsCpu, jsRatio: finiteOrNull(jsCpu / nodeCpu) } : {}),
    },
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
  const withJs = HOSTS.includes('vosjs');
  const withBase = HOSTS.includes('base');
  const rows = [[
    'workload', `${HOST_LABEL.vos} ms`, ...(withJs ? [`${HOST_LABEL.vosjs} ms`] : []),
    ...(withBase ? [`${HOST_LABEL.base} ms`] : []), `${HOST_LABEL.node} ms`,
    'vos/node:wasi', ...(withJs ? ['js/node:wasi'] : []), ...(withBase ? ['base/node:wasi'] : []), 'target', 'met?',
  ]];
  for (const r of results) {
    const vosCell = r.vos.error && vosAvailable ? 'error' : formatMs(r.vos.medianMs ?? NaN);
    const cell = (h) => (r[h].error === NOT_MEASURED ? '-' : r[h].error && vosAvailable ? 'error' : formatMs(r[h].medianMs ?? NaN));
    const jsCell = withJs ? [cell('vosjs')] : [];
    const baseCell = withBase ? [cell('base')] : [];
    const nodeCell = r.node.error ? 'error' : formatMs(r.node.medianMs ?? NaN);
    rows.push([
      r.name,
      vosCell,
      ...jsCell,
      ...baseCell,
      nodeCell,
      r.ratio === null ? 'n/a' : r.ratio.toFixed(2),
      ...(withJs ? [r.jsRatio === null ? 'n/a' : r.jsRatio.toFixed(2)] : []),
      ...(withBase ? [r.baseRatio === null ? 'n/a' : r.baseRatio.toFixed(2)] : []),
      `<= ${r.target.toFixed(2)}`,
      r.met === null ? 'n/a' : r.met ? 'yes' : 'NO',
    ]);
  }
  process.stdout.write(formatTable(rows) + '\n');
  const withCpu = results.filter((r) => r.cpu && r.cpu.ratio !== null);
  if (withCpu.length) {
    const jsCpu = withJs && withCpu.some((r) => r.cpu.jsRatio !== undefined);
    const cpuRows = [['CPU time', `${HOST_LABEL.vos} ms`, ...(jsCpu ? [`${HOST_LABEL.vosjs} ms`] : []), `${HOST_LABEL.node} ms`, 'vos/node:wasi', ...(jsCpu ? ['js/node:wasi'] : [])]];
    for (const r of withCpu) {
      const js = r.cpu.jsRatio === undefined || r.cpu.jsRatio === null ? ['-', '-'] : [formatMs(r.cpu.jsMedianMs), r.cpu.jsRatio.toFixed(2)];
      cpuRows.push([
        r.name, formatMs(r.cpu.vosMedianMs), ...(jsCpu ? [js[0]] : []), formatMs(r.cpu.nodeMedianMs), r.cpu.ratio.toFixed(2), ...(jsCpu ? [js[1]] : []),
      ]);
    }
    process.stdout.write('\n' + formatTable(cpuRows) + '\n(user + system time, every thread, median: of the timed region for the run workloads, of the whole process for\n' +
      'cold start; less sensitive than wall time to a loaded machine; the targets apply to the wall-time ratios above)\n');
  }
  const errors = results.flatMap((r) => HOSTS
    .filter((h) => r[h].error && r[h].error !== NOT_MEASURED && (h === 'node' || vosAvailable))
    .map((h) => `  ${r.name} (${HOST_LABEL[h]}): ${r[h].error}`));
  if (errors.length) process.stdout.write('\nerrors:\n' + errors.join('\n') + '\n');
  const crashes = results.flatMap((r) => HOSTS
    .filter((h) => r[h].crashesRetried > 0)
    .map((h) => `  ${r.name} (${HOST_LABEL[h]}): ${r[h].crashesRetried} sample process(es) killed by a signal, retried`));
  if (crashes.length) process.stdout.write('\ncrashes:\n' + crashes.join('\n') + '\n');
}

/** Which path @vos/fs-node takes for the 'vos' host in this run (the sample processes inherit this environment). */
function fsNodePath() {
  try {
    const { nativeAcceleratorStatus } = require('@vos/fs-node');
    const { available, reason } = nativeAcceleratorStatus();
    if (process.env.VOS_FS_NODE_NATIVE === '0') return 'JavaScript path (VOS_FS_NODE_NATIVE=0)';
    return available ? `native accelerator (${reason})` : `JavaScript path (${reason})`;
  } catch (err) {
    return `unknown (${String(err && err.message).split('\n')[0]})`;
  }
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
