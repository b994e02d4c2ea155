/**
 * The browser bench page: each in-memory workload of bench/wasm under vos and under @bjorn3/browser_wasi_shim, in
 * this same page and run. Each host runs in its own worker per workload (worker.ts), samples alternate between
 * the hosts after one untimed warm-up each, and a sample that takes longer than the limit ends that host's run on
 * that workload (its worker is terminated; the table says "> limit"). Results go to `window.__benchResults`.
 */
import { WORKLOADS, type Host } from './worker';

const params = new URLSearchParams(location.search);
const SAMPLES = Number(params.get('samples') ?? 5);
const LIMIT_MS = Number(params.get('limit') ?? 60_000);
const ONLY = params.get('only')?.split(',');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function sample(worker: Worker, host: Host, workload: string): Promise<{ ms?: number; error?: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve({ error: `timeout: one sample took more than ${LIMIT_MS / 1000} s` });
    }, LIMIT_MS);
    worker.onmessage = (e) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.postMessage({ host, workload });
  });
}

async function main(): Promise<void> {
  const results = [];
  for (const w of WORKLOADS.filter((x) => !ONLY || ONLY.includes(x.name))) {
    const workers = { vos: new Worker('/build/bench-worker.js', { type: 'module' }), shim: new Worker('/build/bench-worker.js', { type: 'module' }) };
    const times: Record<Host, number[]> = { vos: [], shim: [] };
    const errors: Partial<Record<Host, string>> = {};
    for (let i = -1; i < SAMPLES; i++) {
      for (const host of ['vos', 'shim'] as const) {
        if (errors[host]) continue;
        const r = await sample(workers[host], host, w.name);
        if (r.error !== undefined) errors[host] = r.error;
        else if (i >= 0) times[host].push(r.ms as number);
      }
    }
    workers.vos.terminate();
    workers.shim.terminate();
    const vos = times.vos.length ? median(times.vos) : null;
    const shim = times.shim.length ? median(times.shim) : null;
    const timedOut = (h: Host) => errors[h]?.startsWith('timeout') ?? false;
    // A host that timed out took more than the limit: the ratio is then a bound.
    const ratio = vos !== null && shim !== null ? vos / shim : vos !== null && timedOut('shim') ? vos / LIMIT_MS : null;
    results.push({ name: w.name, description: w.description, vos, shim, ratio, bound: shim === null && timedOut('shim'), errors });
  }
  (globalThis as unknown as { __benchResults: unknown }).__benchResults = results;
}

main().catch((err) => {
  (globalThis as unknown as { __benchResults: unknown }).__benchResults = { error: String(err && err.stack ? err.stack : err) };
});
