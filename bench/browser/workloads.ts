/**
 * What the browser bench's workers share (bench/browser/page.ts drives them): the workloads, the timing of a
 * sample, the garbage collection between samples and the message loop. One bench host runs in a worker (one
 * worker per host and workload, so a host that takes too long can be stopped): it runs a sample when asked and
 * posts its time. Each host gets an in-memory `/sandbox` preopen, stdout counted by a callback (printf_lines checks
 * the line count, so a host cannot look fast by dropping output) and the same untimed setup. The timed region is
 * `start(instance)` only (for `startup`: new WASI + instantiate + start, repeated).
 *
 * Each host's worker is its own bundle, with only that host's code (worker-vos.ts, worker-shim.ts): a worker that
 * loaded both libraries kept the other's module-level objects and code in its heap, which every full collection
 * marks, and startup is about half full collections (docs/benchmarks.md, "Startup in Chromium, fourth session").
 */
export interface Workload {
  name: string;
  wasm: string;
  description: string;
  /** Lines stdout must have (checked). */
  lines?: number;
  /** Empty files to create in /sandbox/big before the run (untimed). */
  bigDir?: number;
  /** Runs per sample for `startup` (new WASI + instantiate + start each). */
  repeat?: number;
  /**
   * Time startup's three parts apart, over `repeat` runs in batches of PART_BATCH: construct a batch of sandboxes
   * (`new WASI` and its import object), then instantiate each, then start each, each phase timed as a whole.
   */
  parts?: boolean;
  /** Fewest samples per host, whatever BENCH_SAMPLES says. */
  minSamples?: number;
}

/** Sandboxes per batch in a `parts` sample: enough that a batch's time is far above the 5 µs timer, few enough that
 * their wasm memories fit in what V8 keeps reserved. */
const PART_BATCH = 50;
export const PART_NAMES = ['construct', 'instantiate', 'start'] as const;

export const WORKLOADS: Workload[] = [
  { name: 'small_writes', wasm: 'small_writes', description: '200,000 unbuffered 16-byte writes to a file' },
  { name: 'seq_io', wasm: 'seq_io', description: 'write then read a 64 MiB file in 64 KiB chunks' },
  { name: 'file_churn', wasm: 'file_churn', description: 'create, stat, readdir, unlink 5,000 small files' },
  { name: 'readdir_big', wasm: 'readdir_big', description: '10 readdir passes over 10,000 entries', bigDir: 10_000 },
  { name: 'deep_open', wasm: 'deep_open', description: '50,000 open+close of a file 20 directories deep' },
  { name: 'printf_lines', wasm: 'printf_lines', description: '200,000 printf lines to stdout (a callback)', lines: 200_000 },
  // x1000, not x100: V8 keeps only about a hundred wasm memories reserved and runs a full GC to reclaim them when a
  // new instance needs one, so a sample of 100 held zero or one of those GCs and its median swung by 2x from run
  // to run; a thousand per sample averages them (the GC is a real cost of each instance, so it stays timed).
  // At least 31 samples (a sample is ~0.1 s): its median swung by 0.3 of ratio between runs at 5-9 samples.
  { name: 'startup', wasm: 'hello', description: 'new WASI + instantiate + start of hello world, x1000', repeat: 1000, lines: 1, minSamples: 31 },
  // startup again, its parts timed apart (same options, same import objects, same 1,000 runs; one row per part).
  // Indicative: a garbage collection is paid by whichever phase allocates when it strikes, so the parts need not
  // add up to startup's figure.
  { name: 'startup_parts', wasm: 'hello', description: 'startup in batches of 50, phases timed apart', repeat: 1000, lines: 1, parts: true },
];

export type Host = 'vos' | 'shim';
export interface Sample {
  ms: number;
  exitCode: number;
  lines: number;
  /** For a `parts` workload: ms of each phase, in PART_NAMES order. */
  parts?: number[];
}

/**
 * A `parts` sample: `repeat` runs in batches; each phase of a batch is timed as a whole. `make` builds a sandbox and
 * its import object (untimed work is none: the same calls as in startup), `start` runs it.
 */
export function partsSample<W>(w: Workload, module: WebAssembly.Module, make: () => { wasi: W; imports: WebAssembly.Imports }, start: (wasi: W, instance: WebAssembly.Instance) => number, lines: () => number): Sample {
  const parts = [0, 0, 0];
  let exitCode = 0;
  const made: { wasi: W; imports: WebAssembly.Imports }[] = new Array(PART_BATCH);
  const instances: WebAssembly.Instance[] = new Array(PART_BATCH);
  // The worker is fresh (page.ts): first, untimed, as many runs as precede the median startup sample at the
  // default 5 samples (its untimed sample and two timed ones), so the parts are timed in the state startup is.
  for (let i = 0; i < 3 * (w.repeat as number); i++) {
    const m = make();
    exitCode |= start(m.wasi, new WebAssembly.Instance(module, m.imports));
  }
  // The warm-up's garbage is this host's, but not of the timed runs: collected before them (page.ts says why).
  collectGarbage();
  const warmLines = lines();
  for (let done = 0; done < (w.repeat as number); done += PART_BATCH) {
    const n = Math.min(PART_BATCH, (w.repeat as number) - done);
    const t0 = performance.now();
    for (let i = 0; i < n; i++) made[i] = make();
    const t1 = performance.now();
    for (let i = 0; i < n; i++) instances[i] = new WebAssembly.Instance(module, made[i].imports);
    const t2 = performance.now();
    for (let i = 0; i < n; i++) exitCode |= start(made[i].wasi, instances[i]);
    const t3 = performance.now();
    parts[0] += t1 - t0;
    parts[1] += t2 - t1;
    parts[2] += t3 - t2;
    made.fill(undefined as never);
    instances.fill(undefined as never);
  }
  return { ms: parts[0] + parts[1] + parts[2], exitCode, lines: (lines() - warmLines) / (w.repeat as number), parts };
}

export function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

export const bigNames = (n: number) => Array.from({ length: n }, (_, i) => 'e' + String(i).padStart(5, '0'));

/**
 * A full collection, twice: the second finishes the sweep of the first, which is what releases dead instances'
 * wasm memories (their address-space reservations). Needs Chromium launched with `--js-flags=--expose-gc`
 * (run.js does it).
 */
export function collectGarbage(): void {
  const gc = (globalThis as unknown as { gc?: () => void }).gc;
  if (!gc) throw new Error('no gc(): launch Chromium with --js-flags=--expose-gc (bench/browser/run.js does)');
  gc();
  gc();
}

let module: Promise<WebAssembly.Module> | null = null;

/** The message loop of a host's worker: `{ collect: true }` collects, `{ host, workload }` runs one sample with `run`. */
export function serveBench(host: Host, run: (w: Workload, module: WebAssembly.Module) => Promise<Sample>): void {
  self.onmessage = async (e: MessageEvent<{ host: Host; workload: string } | { collect: true }>) => {
    const data = e.data;
    if ('collect' in data) {
      try {
        collectGarbage();
        self.postMessage({ collected: true });
      } catch (err) {
        self.postMessage({ error: err instanceof Error ? err.message : String(err) });
      }
      return;
    }
    const w = WORKLOADS.find((x) => x.name === data.workload)!;
    module ??= WebAssembly.compileStreaming(fetch(`/bench/wasm/bin/${w.wasm}.wasm`));
    try {
      if (data.host !== host) throw new Error(`this is the ${host} worker, asked to run ${data.host}`);
      const s = await run(w, await module);
      if (s.exitCode !== 0) throw new Error(`exit code ${s.exitCode}`);
      if (w.lines !== undefined && s.lines !== w.lines) throw new Error(`printed ${s.lines} lines, not ${w.lines}`);
      self.postMessage({ ms: s.ms, parts: s.parts });
    } catch (err) {
      self.postMessage({ error: err instanceof Error ? err.message : String(err) });
    }
  };
}
