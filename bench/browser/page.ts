/**
 * The browser bench page: each in-memory workload of bench/wasm under vos and under @bjorn3/browser_wasi_shim, in
 * this same page and run. Each host runs in its own worker per workload (worker.ts); after one untimed warm-up
 * sample each, samples alternate between the hosts, the host that goes first alternating too (vos, shim, then
 * shim, vos, ...), and before every sample (warm-up included) both hosts' workers run a full garbage collection,
 * untimed, so that each sample starts with no garbage of either host and pays only for the garbage it makes: a
 * startup sample's time is about half V8's collections of dead wasm memories, and without this a sample also
 * paid, or was spared, the collections the previous samples' leftovers brought on (the order of the hosts then
 * decided who got which). A sample that takes longer than the limit ends that host's run on that workload (its
 * worker is terminated; the table says "> limit"). Results go to `window.__benchResults`.
 */
import { PART_NAMES, WORKLOADS, type Host } from './workloads';

const params = new URLSearchParams(location.search);
const SAMPLES = Number(params.get('samples') ?? 5);
const LIMIT_MS = Number(params.get('limit') ?? 60_000);
const ONLY = params.get('only')?.split(',');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Posts `message` to `worker` and resolves to its answer, or to a timeout error after the limit. */
function ask(worker: Worker, message: unknown): Promise<{ ms?: number; parts?: number[]; error?: string }> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve({ error: `timeout: one sample took more than ${LIMIT_MS / 1000} s` });
    }, LIMIT_MS);
    worker.onmessage = (e) => {
      clearTimeout(timer);
      resolve(e.data);
    };
    worker.postMessage(message);
  });
}

/** Lowest, lower quartile, upper quartile and highest of `xs` (nearest rank). */
function spread(xs: number[]): number[] {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.round(q * (s.length - 1))))];
  return [s[0], at(0.25), at(0.75), s[s.length - 1]];
}

async function main(): Promise<void> {
  const results: { name: string; description: string; vos: number | null; shim: number | null; ratio: number | null; pairs: number[] | null; samples: number; vosTimes: number[]; shimTimes: number[]; bound: boolean; errors: Partial<Record<Host, string>> }[] = [];
  for (const w of WORKLOADS.filter((x) => !ONLY || ONLY.includes(x.name))) {
    // Each host's worker is a bundle of its own code only (workloads.ts says why).
    const newWorker = (host: Host) => new Worker(`/build/bench-worker-${host}.js`, { type: 'module' });
    // A `parts` workload makes a worker per sample (below).
    const workers = (w.parts ? {} : { vos: newWorker('vos'), shim: newWorker('shim') }) as Record<Host, Worker>;
    const times: Record<Host, number[]> = { vos: [], shim: [] };
    // For a `parts` workload: each part's samples, per host (one row each; the whole is not a workload of its own).
    const parts: Record<Host, number[][]> = { vos: PART_NAMES.map(() => []), shim: PART_NAMES.map(() => []) };
    const errors: Partial<Record<Host, string>> = {};
    const samples = Math.max(SAMPLES, w.minSamples ?? 0);
    for (let i = -1; i < samples; i++) {
      for (const host of i & 1 ? (['vos', 'shim'] as const) : (['shim', 'vos'] as const)) {
        if (errors[host]) continue;
        // A `parts` sample holds a batch of instances alive at once, and the wasm memories the other host's idle
        // worker has not collected yet count against the same per-process reservations: each parts sample gets
        // a fresh worker (which warms up untimed first and then collects), ended after it, so no other worker
        // holds any.
        if (w.parts) workers[host] = newWorker(host);
        else {
          for (const h of ['vos', 'shim'] as const) {
            if (errors[h]) continue;
            const c = await ask(workers[h], { collect: true });
            if (c.error !== undefined) errors[h] = c.error;
          }
          if (errors[host]) continue;
        }
        const r = await ask(workers[host], { host, workload: w.name });
        if (w.parts) workers[host].terminate();
        if (r.error !== undefined) errors[host] = r.error;
        else if (i >= 0) {
          times[host][i] = r.ms as number;
          r.parts?.forEach((ms, k) => (parts[host][k][i] = ms));
        }
      }
    }
    workers.vos?.terminate();
    workers.shim?.terminate();
    const timedOut = (h: Host) => errors[h]?.startsWith('timeout') ?? false;
    const row = (name: string, description: string, vosTimes: number[], shimTimes: number[]): void => {
      vosTimes = vosTimes.filter((t) => t !== undefined);
      shimTimes = shimTimes.filter((t) => t !== undefined);
      const vos = vosTimes.length ? median(vosTimes) : null;
      const shim = shimTimes.length ? median(shimTimes) : null;
      // The ratio of each sample pair (sample i of either host), to show how far one sample is from the next.
      const pairs = vosTimes.length === shimTimes.length && vosTimes.length ? spread(vosTimes.map((t, k) => t / shimTimes[k])) : null;
      // A host that timed out took more than the limit: the ratio is then a bound.
      const ratio = vos !== null && shim !== null ? vos / shim : vos !== null && timedOut('shim') ? vos / LIMIT_MS : null;
      results.push({ name, description, vos, shim, ratio, pairs, samples: vosTimes.length, vosTimes, shimTimes, bound: shim === null && timedOut('shim'), errors });
    };
    if (w.parts) PART_NAMES.forEach((part, k) => row(`${w.name}: ${part}`, `${w.description} (${part})`, parts.vos[k], parts.shim[k]));
    else row(w.name, w.description, times.vos, times.shim);
  }
  (globalThis as unknown as { __benchResults: unknown }).__benchResults = results;
}

main().catch((err) => {
  (globalThis as unknown as { __benchResults: unknown }).__benchResults = { error: String(err && err.stack ? err.stack : err) };
});
