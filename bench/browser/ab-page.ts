/**
 * The A/B page of `node bench/browser/ab.js`: one workload (startup by default) in three workers, vos built from a
 * baseline tree, vos built from this tree and the shim, all in this page and run. As in page.ts: one untimed
 * warm-up sample each, every worker collects its garbage (untimed) before every sample, and the order of the three
 * rotates from one sample to the next (and reverses every other sample), so that no arm always follows the same one.
 * The figure that matters is new/base: the per-sample ratios of two builds under the same conditions, which a
 * comparison of two separate `bench:browser` runs (each against the shim) cannot give on a shared machine.
 */
const params = new URLSearchParams(location.search);
const SAMPLES = Number(params.get('samples') ?? 31);
const WORKLOAD = params.get('workload') ?? 'startup';

type Answer = { ms?: number; error?: string };
function ask(worker: Worker, message: unknown): Promise<Answer> {
  return new Promise((resolve) => {
    worker.onmessage = (e) => resolve(e.data);
    worker.postMessage(message);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Lower quartile, median and upper quartile of the per-sample ratios a/b. */
function ratios(a: number[], b: number[]): number[] {
  const r = a.map((t, i) => t / b[i]).sort((x, y) => x - y);
  return [r[Math.round((r.length - 1) * 0.25)], median(r), r[Math.round((r.length - 1) * 0.75)]];
}

async function main(): Promise<void> {
  const arms = [
    { name: 'base', url: '/build/base-worker.js', host: 'vos' },
    { name: 'new', url: '/build/bench-worker-vos.js', host: 'vos' },
    { name: 'shim', url: '/build/bench-worker-shim.js', host: 'shim' },
  ];
  const workers = arms.map((a) => new Worker(a.url, { type: 'module' }));
  const times: number[][] = arms.map(() => []);
  for (let i = -1; i < SAMPLES; i++) {
    const order = arms.map((_, k) => (k + i + arms.length) % arms.length);
    if (i & 1) order.reverse();
    for (const k of order) {
      for (const w of workers) {
        const c = await ask(w, { collect: true });
        if (c.error !== undefined) throw new Error(c.error);
      }
      const r = await ask(workers[k], { host: arms[k].host, workload: WORKLOAD });
      if (r.error !== undefined) throw new Error(`${arms[k].name}: ${r.error}`);
      if (i >= 0) times[k].push(r.ms as number);
    }
  }
  workers.forEach((w) => w.terminate());
  (globalThis as unknown as { __ab: unknown }).__ab = {
    medians: Object.fromEntries(arms.map((a, k) => [a.name, median(times[k])])),
    newOverBase: ratios(times[1], times[0]),
    baseOverShim: ratios(times[0], times[2]),
    newOverShim: ratios(times[1], times[2]),
    times: Object.fromEntries(arms.map((a, k) => [a.name, times[k]])),
  };
}

main().catch((err) => {
  (globalThis as unknown as { __ab: unknown }).__ab = { error: String(err && err.stack ? err.stack : err) };
});
export {};
