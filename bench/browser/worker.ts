/**
 * One bench host in a worker (one worker per host and workload, so a host that takes too long can be stopped):
 * runs a sample when asked and posts its time. Each host gets an in-memory `/sandbox` preopen, stdout counted by a
 * callback (printf_lines checks the line count, so a host cannot look fast by dropping output) and the same
 * untimed setup. The timed region is `start(instance)` only (for `startup`: new WASI + instantiate + start,
 * repeated).
 */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CallbackSink } from '@vos/stdio';
import type { FileSystem } from '@vos/core';
import { writeTree } from '@vos/fs-browser';
import * as shim from '@bjorn3/browser_wasi_shim';

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
function partsSample<W>(w: Workload, module: WebAssembly.Module, make: () => { wasi: W; imports: WebAssembly.Imports }, start: (wasi: W, instance: WebAssembly.Instance) => number, lines: () => number): Sample {
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

function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

const bigNames = (n: number) => Array.from({ length: n }, (_, i) => 'e' + String(i).padStart(5, '0'));

async function runVos(w: Workload, module: WebAssembly.Module): Promise<Sample> {
  let lines = 0;
  const newWasi = (): WASI =>
    new WASI({
      version: 'preview1',
      args: [w.wasm, '/sandbox'],
      mounts: {
        '/sandbox': ({ clock }: { clock: { now(id: 0): bigint } }): FileSystem => {
          const fs = new MemoryFileSystem({ clock });
          if (w.bigDir) writeTree(fs, [{ path: 'big', kind: 'dir', mtim: 0n, atim: 0n }, ...bigNames(w.bigDir).map((name) => ({ path: `big/${name}`, kind: 'file' as const, data: new Uint8Array(0), mtim: 0n, atim: 0n }))]);
          return fs;
        },
      },
      mountPreopens: ['/sandbox'],
      stdio: { stdin: '', stdout: new CallbackSink((c) => void (lines += countLines(c))), stderr: 'null' },
      returnOnExit: true,
    });
  const once = async (): Promise<{ wasi: WASI; instance: WebAssembly.Instance }> => {
    const wasi = newWasi();
    // Synchronous instantiation (allowed in a worker for any size): no task hop in the timed startup loop.
    return { wasi, instance: new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports) };
  };
  if (w.parts) {
    return partsSample(w, module, () => {
      const wasi = newWasi();
      return { wasi, imports: wasi.getImportObject() as WebAssembly.Imports };
    }, (wasi, instance) => wasi.start(instance), () => lines);
  }
  if (w.repeat) {
    const t0 = performance.now();
    let exitCode = 0;
    for (let i = 0; i < w.repeat; i++) {
      const { wasi, instance } = await once();
      exitCode |= wasi.start(instance);
    }
    return { ms: performance.now() - t0, exitCode, lines: lines / w.repeat };
  }
  const { wasi, instance } = await once();
  const t0 = performance.now();
  const exitCode = wasi.start(instance);
  return { ms: performance.now() - t0, exitCode, lines };
}

async function runShim(w: Workload, module: WebAssembly.Module): Promise<Sample> {
  let lines = 0;
  const newWasi = (): shim.WASI => {
    const contents = new Map<string, shim.Inode>();
    if (w.bigDir) contents.set('big', new shim.Directory(new Map(bigNames(w.bigDir).map((n) => [n, new shim.File(new Uint8Array(0))]))));
    const fds = [
      new shim.OpenFile(new shim.File(new Uint8Array(0))),
      new shim.ConsoleStdout((c: Uint8Array) => void (lines += countLines(c))),
      new shim.ConsoleStdout(() => undefined),
      new shim.PreopenDirectory('/sandbox', contents),
    ];
    return new shim.WASI([w.wasm, '/sandbox'], [], fds);
  };
  const importsOf = (wasi: shim.WASI): WebAssembly.Imports => ({ wasi_snapshot_preview1: wasi.wasiImport as unknown as WebAssembly.ModuleImports });
  const once = async (): Promise<{ wasi: shim.WASI; instance: WebAssembly.Instance }> => {
    const wasi = newWasi();
    return { wasi, instance: new WebAssembly.Instance(module, importsOf(wasi)) };
  };
  const start = (wasi: shim.WASI, instance: WebAssembly.Instance) =>
    wasi.start(instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
  if (w.parts) {
    return partsSample(w, module, () => {
      const wasi = newWasi();
      return { wasi, imports: importsOf(wasi) };
    }, start, () => lines);
  }
  if (w.repeat) {
    const t0 = performance.now();
    let exitCode = 0;
    for (let i = 0; i < w.repeat; i++) {
      const { wasi, instance } = await once();
      exitCode |= start(wasi, instance);
    }
    return { ms: performance.now() - t0, exitCode, lines: lines / w.repeat };
  }
  const { wasi, instance } = await once();
  const t0 = performance.now();
  const exitCode = start(wasi, instance);
  return { ms: performance.now() - t0, exitCode, lines };
}

const RUNNERS: Record<Host, (w: Workload, m: WebAssembly.Module) => Promise<Sample>> = { vos: runVos, shim: runShim };


/**
 * A full collection, twice: the second finishes the sweep of the first, which is what releases dead instances'
 * wasm memories (their address-space reservations). Needs Chromium launched with `--js-flags=--expose-gc`
 * (run.js does it).
 */
function collectGarbage(): void {
  const gc = (globalThis as unknown as { gc?: () => void }).gc;
  if (!gc) throw new Error('no gc(): launch Chromium with --js-flags=--expose-gc (bench/browser/run.js does)');
  gc();
  gc();
}

let module: Promise<WebAssembly.Module> | null = null;

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
    const s = await RUNNERS[data.host](w, await module);
    if (s.exitCode !== 0) throw new Error(`exit code ${s.exitCode}`);
    if (w.lines !== undefined && s.lines !== w.lines) throw new Error(`printed ${s.lines} lines, not ${w.lines}`);
    self.postMessage({ ms: s.ms, parts: s.parts });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
