import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { createChannelBuffer, createPostBox } from './channel/layout';
import { ChannelServer } from './channel/server';
import { defaultMaxSpinMs } from './channel/spin';
import { capModuleMemory, MemoryCapError } from './limits';
import type { GuestReport, GuestStart, Limit, RunOutcome } from './protocol';
import { composeWorld, type WorldOptions } from './world';

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi & { Module: { prototype: object } } }).WebAssembly;

/** Per-run limits. Hitting one stops the guest and the result says which. */
export interface RunLimits {
  /** Wall-clock deadline in ms from the start of the run (a busy loop with no syscalls is stopped too). */
  readonly timeout?: number;
  /** Cap on the guest's linear memory in bytes, enforced at each `memory.grow` (see limits.ts). */
  readonly maxMemory?: number;
  /** Aborting stops the guest. */
  readonly signal?: AbortSignal;
}

export interface RunOptions extends WorldOptions, RunLimits {
  /** Call this export with these numbers instead of running `_start`. */
  readonly invoke?: { readonly name: string; readonly args?: readonly number[] };
  /** Payload bytes of the channel (default 256 KiB). */
  readonly channelBytes?: number;
  /**
   * The most each side polls for the other before sleeping, ms, adapted to how soon answers and calls follow
   * (channel/spin.ts); 0 never polls. Default 0.05, none on a one-core machine.
   */
  readonly clientSpinMs?: number;
  readonly serverSpinMs?: number;
}

/** How the run ended, plus what the channel carried. */
export type RunResult = RunOutcome & {
  /** Round-trips between the guest's worker and the host thread. */
  readonly calls: number;
};

/**
 * A built file of this package: found through the package (so it works from a bundle that inlines this code,
 * such as the vos command), else next to this file (src/ under ts-jest, or dist/).
 */
export function packageFile(name: string): string {
  try {
    return join(dirname(require.resolve('@vos/worker/package.json')), 'dist', name);
  } catch {
    return join(__dirname, '..', 'dist', name);
  }
}

/** The dedicated worker's entry. */
export const WORKER_ENTRY = packageFile('worker-entry.js');

/** A module as given: bytes, or one already compiled (then `maxMemory` needs it prepared with `prepareModule`). */
export type ModuleSource = Uint8Array | object;

/** A module compiled for a run, with the memory cap it was rewritten for (if any). */
export interface PreparedModule {
  readonly module: object;
  readonly maxMemory?: number;
  /** The cap is checked at every `memory.grow` (false: only the declared maximum was lowered). */
  readonly instrumented: boolean;
}

/**
 * Compiles `bytes`, rewritten for `maxMemory` when given (see limits.ts). A pool compiles once and runs the
 * result many times. Throws MemoryCapError when the initial memory is already above the cap.
 */
export function prepareModule(bytes: Uint8Array, maxMemory?: number): PreparedModule {
  if (maxMemory === undefined) return { module: new Wasm.Module(bytes), instrumented: false };
  const capped = capModuleMemory(bytes, maxMemory);
  return { module: new Wasm.Module(capped.bytes), maxMemory, instrumented: capped.instrumented };
}

export function isPrepared(m: unknown): m is PreparedModule {
  return typeof m === 'object' && m !== null && 'module' in m && 'instrumented' in m;
}

/** Resolves a module source and the run's cap into a prepared module, or the outcome that stops it first. */
export function prepareFor(source: ModuleSource | PreparedModule, maxMemory: number | undefined): PreparedModule | RunOutcome {
  if (isPrepared(source)) {
    if (maxMemory !== undefined && source.maxMemory !== maxMemory) {
      throw new Error('vos: maxMemory differs from the cap the module was prepared for (prepareModule(bytes, maxMemory))');
    }
    return source;
  }
  if (source instanceof Uint8Array) {
    try {
      return prepareModule(source, maxMemory);
    } catch (err) {
      if (err instanceof MemoryCapError) return stopped('memory', `memory limit: ${err.message}`);
      throw err;
    }
  }
  if (maxMemory !== undefined) throw new Error('vos: a memory cap needs the module bytes (or prepareModule(bytes, maxMemory))');
  return { module: source, instrumented: false };
}

export function stopped(limit: Limit, message: string): RunOutcome {
  return { status: 'stopped', limit, message };
}

export function checkLimits(o: RunLimits): void {
  if (o.timeout !== undefined && !(typeof o.timeout === 'number' && o.timeout > 0 && Number.isFinite(o.timeout))) {
    throw new RangeError('vos: timeout must be a positive number of milliseconds');
  }
  if (o.maxMemory !== undefined && !(typeof o.maxMemory === 'number' && o.maxMemory >= 0 && Number.isFinite(o.maxMemory))) {
    throw new RangeError('vos: maxMemory must be a non-negative number of bytes');
  }
  if (o.signal !== undefined && (typeof o.signal !== 'object' || typeof o.signal.addEventListener !== 'function')) {
    throw new TypeError('vos: signal must be an AbortSignal');
  }
}

export function timeoutMessage(ms: number): string {
  return `timeout: the guest ran longer than ${ms} ms`;
}

/** This machine's default spin limit (none on one core). */
const HOST_SPIN_MS = defaultMaxSpinMs(availableParallelism());

export const ABORT_MESSAGE = 'aborted: the host aborted the run';

/** A run's deadline and signal, armed: `reason` is the first of them to fire (then `onStop` has run once). */
export interface ArmedLimits {
  readonly reason: { readonly limit: Limit; readonly message: string } | undefined;
  /** Clears the deadline and stops listening to the signal. */
  disarm(): void;
}

/**
 * Arms `options.timeout` and `options.signal` for one run: the first to fire records its reason and calls
 * `onStop(limit, message)`; later ones do nothing. Every runner (a fresh worker, a pool task, a pool session)
 * stops its guest through this, and calls `disarm` when the run is over.
 */
export function armLimits(options: RunLimits, onStop: (limit: Limit, message: string) => void): ArmedLimits {
  let reason: ArmedLimits['reason'];
  const stop = (limit: Limit, message: string): void => {
    if (reason !== undefined) return;
    reason = { limit, message };
    onStop(limit, message);
  };
  const ms = options.timeout;
  const timer = ms === undefined ? undefined : setTimeout(() => stop('timeout', timeoutMessage(ms)), ms);
  const signal = options.signal;
  const onAbort = signal === undefined ? undefined : (): void => stop('aborted', ABORT_MESSAGE);
  if (onAbort !== undefined) signal?.addEventListener('abort', onAbort, { once: true });
  return {
    get reason() {
      return reason;
    },
    disarm(): void {
      if (timer !== undefined) clearTimeout(timer);
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * One run's channel and start message: the world composed for `options`, a channel buffer (`reuse`, one a finished
 * run gave back, or a fresh one) and the server that answers on it.
 */
export async function openRun(
  prepared: PreparedModule, options: RunOptions, reuse?: SharedArrayBuffer, reuseBox?: SharedArrayBuffer,
): Promise<{ server: ChannelServer; start: GuestStart }> {
  for (const name of ['clientSpinMs', 'serverSpinMs'] as const) {
    const v = options[name];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw new RangeError(`vos: ${name} must be a non-negative number of ms`);
  }
  const world = await composeWorld(options);
  const sab = reuse ?? createChannelBuffer(options.channelBytes);
  // A post box only when a stream can take posted writes (a collector or null stdout, say).
  const box = world.start.stdio.some((d) => d.kind === 'served' && d.posted === true) ? reuseBox ?? createPostBox() : undefined;
  const server = new ChannelServer(sab, world.served, { spinMs: options.serverSpinMs ?? HOST_SPIN_MS, box });
  const roots = world.served.filesystems.length > 0 ? await server.openRoots() : undefined;
  const start: GuestStart = {
    ...world.start,
    roots,
    box,
    sab,
    module: prepared.module,
    maxMemory: prepared.maxMemory,
    invoke: options.invoke === undefined ? undefined : { name: options.invoke.name, args: [...(options.invoke.args ?? [])] },
    spinMs: options.clientSpinMs ?? HOST_SPIN_MS,
    closesInReport: true,
  };
  return { server, start };
}

/**
 * Runs a WASI command in a fresh `worker_threads` worker while its world stays on this thread: every provider
 * in `options` is the object the guest reads and writes (an in-memory filesystem passed in is the one to
 * inspect afterwards), served through a SharedArrayBuffer channel, asynchronously if it answers with promises.
 * This thread stays free while the guest runs. Resolves with how the run ended: exited (code), trapped (message
 * and wasm stack), or stopped by a limit (timeout, memory, aborted). Rejects only for host mistakes (bad
 * options) or a failure of vos itself.
 */
export async function runInWorker(source: ModuleSource | PreparedModule, options: RunOptions = {}): Promise<RunResult> {
  checkLimits(options);
  if (options.signal?.aborted) return { ...stopped('aborted', ABORT_MESSAGE), calls: 0 };
  const prepared = prepareFor(source, options.maxMemory);
  if ('status' in prepared) return { ...prepared, calls: 0 };
  const { server, start } = await openRun(prepared, options);
  server.start();
  const worker = new Worker(WORKER_ENTRY);
  let limits: ArmedLimits | undefined;
  let closes: readonly number[] | undefined;
  try {
    const report = await new Promise<GuestReport>((resolve, reject) => {
      let settled = false;
      const stop = (limit: Limit, message: string): void => {
        if (settled) return;
        settled = true;
        // terminate() interrupts a busy loop and an Atomics.wait alike.
        void worker.terminate();
        resolve({ outcome: stopped(limit, message), calls: -1 });
      };
      worker.once('message', (r: GuestReport) => {
        if (settled) return;
        settled = true;
        resolve(r);
      });
      worker.once('error', (err) => {
        if (settled) return;
        settled = true;
        reject(new Error(`vos: the guest's worker failed: ${err.message}`, { cause: err }));
      });
      worker.once('exit', (code) => {
        if (settled) return;
        settled = true;
        reject(new Error(`vos: the guest's worker exited (${code}) before reporting`));
      });
      limits = armLimits(options, stop);
      worker.postMessage(start);
    });
    closes = report.closes;
    return { ...report.outcome, calls: report.calls < 0 ? server.served : report.calls };
  } finally {
    limits?.disarm();
    await worker.terminate();
    await server.close(closes);
  }
}
