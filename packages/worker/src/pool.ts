import type { Piscina } from 'piscina';
import type { GuestReport, Limit } from './protocol';
import {
  ABORT_MESSAGE, checkLimits, openRun, packageFile, prepareFor, stopped, timeoutMessage,
  type ModuleSource, type PreparedModule, type RunOptions, type RunResult,
} from './sandbox';

/** The pooled worker's task file, next to the dedicated worker's entry. */
export const POOL_ENTRY = packageFile('pool-entry.js');

/**
 * piscina, loaded when the first pool is made: a host that never pools pays nothing for it at start-up, and a
 * bundle that inlines this package (the vos command) leaves it out (an indirect require is not followed).
 */
function loadPiscina(): typeof Piscina {
  const load = require;
  return (load('piscina') as { Piscina: typeof Piscina }).Piscina;
}

export interface SandboxPoolOptions {
  /** Workers kept (default: 2). Each runs one guest at a time. */
  readonly workers?: number;
  /** Runs waiting for a worker beyond which `run` rejects (default: unbounded). */
  readonly maxQueue?: number;
}

/**
 * Many sandboxes over a fixed set of worker threads (piscina underneath: queueing, worker replacement, abort).
 * Each `run` is one guest with its own world and limits, exactly as `runInWorker`, but the worker is reused:
 * no thread start-up per run. Compile once with `prepareModule` and pass the result to skip compiling per run
 * (a compiled module is shared with the workers, not recompiled there).
 *
 * A run stopped by its deadline or its signal costs its worker (piscina ends the thread and starts a fresh
 * one): a guest in a busy loop can only be stopped by ending its thread. A memory-cap stop does not: the guest
 * traps inside the worker, which is then reused.
 */
export class SandboxPool {
  private readonly piscina: Piscina;
  private closed = false;
  /**
   * Runs holding a channel (at most two per worker: one running, one queued in piscina); the rest wait here
   * before anything is allocated for them. 400 runs submitted at once otherwise allocate 400 channels and
   * servers up front, which measured slower than running them one after another.
   */
  private active = 0;
  private readonly slots: number;
  private readonly waiting: (() => void)[] = [];
  /** Channel buffers of finished runs (allocating and zeroing 256 KiB was ~20 µs of a run's host time). */
  private readonly buffers: SharedArrayBuffer[] = [];

  constructor(options: SandboxPoolOptions = {}) {
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError('vos: workers must be a positive integer');
    this.slots = workers * 2;
    const PiscinaClass = loadPiscina();
    this.piscina = new PiscinaClass({
      filename: POOL_ENTRY,
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: Infinity,
      maxQueue: options.maxQueue ?? Infinity,
    });
  }

  /** Worker threads alive now. */
  get threads(): number {
    return this.piscina.threads.length;
  }

  /** Runs one guest on the next free worker; resolves as `runInWorker` does. */
  async run(source: ModuleSource | PreparedModule, options: RunOptions = {}): Promise<RunResult> {
    if (this.closed) throw new Error('vos: the pool is closed');
    checkLimits(options);
    if (options.signal?.aborted) return { ...stopped('aborted', ABORT_MESSAGE), calls: 0 };
    const prepared = prepareFor(source, options.maxMemory);
    if ('status' in prepared) return { ...prepared, calls: 0 };
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await this.runNow(prepared, options);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async runNow(prepared: PreparedModule, options: RunOptions): Promise<RunResult> {
    // A buffer whose guest was stopped mid-call may still say REQUEST: start from a clean state word.
    const reuse = options.channelBytes === undefined ? this.buffers.pop() : undefined;
    if (reuse !== undefined) Atomics.store(new Int32Array(reuse, 0, 1), 0, 0);
    const { server, start } = await openRun(prepared, options, reuse);
    // One controller per run that has a limit to enforce: the deadline and the host's signal both abort it;
    // `reason` says which fired. A run with neither needs none (piscina then listens to no signal).
    const limited = options.timeout !== undefined || options.signal !== undefined;
    const ac = limited ? new AbortController() : null;
    let reason: { limit: Limit; message: string } | undefined;
    const stop = (limit: Limit, message: string): void => {
      if (reason !== undefined) return;
      reason = { limit, message };
      ac?.abort();
    };
    const timer = options.timeout === undefined ? undefined : setTimeout(() => stop('timeout', timeoutMessage(options.timeout as number)), options.timeout);
    const onAbort = (): void => stop('aborted', ABORT_MESSAGE);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    server.start();
    let closes: readonly number[] | undefined;
    try {
      const report = (await (ac === null ? this.piscina.run(start) : this.piscina.run(start, { signal: ac.signal }))) as GuestReport;
      closes = report.closes;
      return { ...report.outcome, calls: report.calls };
    } catch (err) {
      if (reason !== undefined) return { ...stopped(reason.limit, reason.message), calls: server.served };
      throw err;
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      await server.close(closes);
      if (options.channelBytes === undefined && this.buffers.length < this.slots) this.buffers.push(start.sab);
    }
  }

  /** Ends every worker; runs still queued reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.piscina.destroy();
  }
}
