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
}

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
  { name: 'startup', wasm: 'hello', description: 'new WASI + instantiate + start of hello world, x1000', repeat: 1000, lines: 1 },
];

export type Host = 'vos' | 'shim';
export interface Sample {
  ms: number;
  exitCode: number;
  lines: number;
}

function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) n++;
  return n;
}

const bigNames = (n: number) => Array.from({ length: n }, (_, i) => 'e' + String(i).padStart(5, '0'));

async function runVos(w: Workload, module: WebAssembly.Module): Promise<Sample> {
  let lines = 0;
  const once = async (): Promise<{ wasi: WASI; instance: WebAssembly.Instance }> => {
    const wasi = new WASI({
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
    // Synchronous instantiation (allowed in a worker for any size): no task hop in the timed startup loop.
    return { wasi, instance: new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports) };
  };
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
  const once = async (): Promise<{ wasi: shim.WASI; instance: WebAssembly.Instance }> => {
    const contents = new Map<string, shim.Inode>();
    if (w.bigDir) contents.set('big', new shim.Directory(new Map(bigNames(w.bigDir).map((n) => [n, new shim.File(new Uint8Array(0))]))));
    const fds = [
      new shim.OpenFile(new shim.File(new Uint8Array(0))),
      new shim.ConsoleStdout((c: Uint8Array) => void (lines += countLines(c))),
      new shim.ConsoleStdout(() => undefined),
      new shim.PreopenDirectory('/sandbox', contents),
    ];
    const wasi = new shim.WASI([w.wasm, '/sandbox'], [], fds);
    const instance = new WebAssembly.Instance(module, { wasi_snapshot_preview1: wasi.wasiImport as unknown as WebAssembly.ModuleImports });
    return { wasi, instance };
  };
  const start = (wasi: shim.WASI, instance: WebAssembly.Instance) =>
    wasi.start(instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
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


let module: Promise<WebAssembly.Module> | null = null;

self.onmessage = async (e: MessageEvent<{ host: Host; workload: string }>) => {
  const w = WORKLOADS.find((x) => x.name === e.data.workload)!;
  module ??= WebAssembly.compileStreaming(fetch(`/bench/wasm/bin/${w.wasm}.wasm`));
  try {
    const s = await RUNNERS[e.data.host](w, await module);
    if (s.exitCode !== 0) throw new Error(`exit code ${s.exitCode}`);
    if (w.lines !== undefined && s.lines !== w.lines) throw new Error(`printed ${s.lines} lines, not ${w.lines}`);
    self.postMessage({ ms: s.ms });
  } catch (err) {
    self.postMessage({ error: err instanceof Error ? err.message : String(err) });
  }
};
