/**
 * The browser bench page: each in-memory workload of bench/wasm under vos and under @bjorn3/browser_wasi_shim, in
 * this same page and run. Each host runs in its own worker per workload (worker.ts), samples alternate between
 * the hosts after one untimed warm-up each, and a sample that takes longer than the limit ends that host's run on
 * that workload (its worker is terminated; the table says "> limit"). Results go to `window.__benchResults`.
 */
import { PART_NAMES, WORKLOADS, type Host } from './worker';

const params = new URLSearchParams(location.search);
const SAMPLES = Number(params.get('samples') ?? 5);
const LIMIT_MS = Number(params.get('limit') ?? 60_000);
const ONLY = params.get('only')?.split(',');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function sample(worker: Worker, host: Host, workload: string): Promise<{ ms?: number; parts?: number[]; error?: string }> {
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
  const results: { name: string; description: string; vos: number | null; shim: number | null; ratio: number | null; bound: boolean; errors: Partial<Record<Host, string>> }[] = [];
  for (const w of WORKLOADS.filter((x) => !ONLY || ONLY.includes(x.name))) {
    const newWorker = () => new Worker('/build/bench-worker.js', { type: 'module' });
    // A `parts` workload makes a worker per sample (below).
    const workers = (w.parts ? {} : { vos: newWorker(), shim: newWorker() }) as Record<Host, Worker>;
    const times: Record<Host, number[]> = { vos: [], shim: [] };
    // For a `parts` workload: each part's samples, per host (one row each; the whole is not a workload of its own).
    const parts: Record<Host, number[][]> = { vos: PART_NAMES.map(() => []), shim: PART_NAMES.map(() => []) };
    const errors: Partial<Record<Host, string>> = {};
    for (let i = -1; i < SAMPLES; i++) {
      for (const host of ['vos', 'shim'] as const) {
        if (errors[host]) continue;
        // A `parts` sample holds a batch of instances alive at once, and the wasm memories the other host's idle
        // worker has not collected yet count against the same per-process reservations: each parts sample gets
        // a fresh worker (which warms up untimed first), ended after it, so no other worker holds any.
        if (w.parts) workers[host] = newWorker();
        const r = await sample(workers[host], host, w.name);
        if (w.parts) workers[host].terminate();
        if (r.error !== undefined) errors[host] = r.error;
        else if (i >= 0) {
          times[host].push(r.ms as number);
          r.parts?.forEach((ms, k) => parts[host][k].push(ms));
        }
      }
    }
    workers.vos?.terminate();
    workers.shim?.terminate();
    const timedOut = (h: Host) => errors[h]?.startsWith('timeout') ?? false;
    const row = (name: string, description: string, vosTimes: number[], shimTimes: number[]) => {
      const vos = vosTimes.length ? median(vosTimes) : null;
      const shim = shimTimes.length ? median(shimTimes) : null;
      // A host that timed out took more than the limit: the ratio is then a bound.
      const ratio = vos !== null && shim !== null ? vos / shim : vos !== null && timedOut('shim') ? vos / LIMIT_MS : null;
      results.push({ name, description, vos, shim, ratio, bound: shim === null && timedOut('shim'), errors });
    };
    if (w.parts) PART_NAMES.forEach((part, k) => row(`${w.name}: ${part}`, `${w.description} (${part})`, parts.vos[k], parts.shim[k]));
    else row(w.name, w.description, times.vos, times.shim);
  }
  (globalThis as unknown as { __benchResults: unknown }).__benchResults = results;
}

main().catch((err) => {
  (globalThis as unknown as { __benchResults: unknown }).__benchResults = { error: String(err && err.stack ? err.stack : err) };
});
