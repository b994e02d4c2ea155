import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { Piscina } from 'piscina';
import { BOX_EMPTY, createChannelBuffer, createPostBox, END, RUN, STATE } from './channel/layout';
import type { ChannelServer } from './channel/server';
import type { GuestReport } from './protocol';
import {
  ABORT_MESSAGE, armLimits, checkLimits, openRun, packageFile, prepareFor, stopped,
  type ArmedLimits, type ModuleSource, type PreparedModule, type RunOptions, type RunResult,
} from './sandbox';

/**
 * Starts a pooled run (`report()`), awaits its report and ends it: its outcome, or the limit that stopped it
 * when the wait failed because of one; then disarms the limits and closes the serving side (`wake()`: see
 * ChannelServer.close, asked once the run is over).
 */
async function settle(report: () => Promise<GuestReport>, limits: ArmedLimits, server: ChannelServer, wake: () => boolean): Promise<RunResult> {
  let closes: readonly number[] | undefined;
  try {
    const r = await report();
    closes = r.closes;
    return { ...r.outcome, calls: r.calls };
  } catch (err) {
    const reason = limits.reason;
    if (reason !== undefined) return { ...stopped(reason.limit, reason.message), calls: server.served };
    throw err;
  } finally {
    limits.disarm();
    await server.close(closes, wake());
  }
}

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
 * How long a session outlives the last run it served, ms. Runs that follow each other (a loop awaiting each)
 * keep their sessions; a pool left idle ends them, so its threads no longer keep the process alive.
 */
const SESSION_IDLE_MS = 20;

/**
 * One worker's standing session (see `session` in pool-entry.ts): a piscina task that runs guest after guest on
 * one channel. A run's start is posted on the session's port and announced by RUN on the channel; the report
 * comes back on the port.
 */
interface Session {
  readonly sab: SharedArrayBuffer;
  readonly i32: Int32Array;
  /** Its post box, made at its first run that needs one (channel/layout.ts). */
  box: SharedArrayBuffer | undefined;
  readonly port: MessagePort;
  /** Aborting it ends the worker's thread (piscina terminates it and starts a fresh one). */
  readonly ac: AbortController;
  busy: boolean;
  alive: boolean;
  /** The running run's report, or its end when the thread dies under it. */
  onReport: ((r: GuestReport) => void) | null;
  onDeath: ((err: unknown) => void) | null;
}

/**
 * Many sandboxes over a fixed set of worker threads (piscina underneath: the threads, their replacement, abort).
 * Each `run` is one guest with its own world and limits, exactly as `runInWorker`, but the worker is reused: no
 * thread start-up per run, and no task dispatch per run either: each worker holds a standing session (one
 * piscina task) that waits on its channel for the next run. Compile once with `prepareModule` and pass the
 * result to skip compiling per run (a compiled module is shared with the workers, not recompiled there).
 *
 * A run stopped by its deadline or its signal costs its worker (its thread is ended and piscina starts a fresh
 * one): a guest in a busy loop can only be stopped by ending its thread. A memory-cap stop does not: the guest
 * traps inside the worker, which is then reused. Sessions end 20 ms after the pool's last run, so an idle pool
 * keeps no thread busy (and does not keep the process alive).
 */
export class SandboxPool {
  private readonly piscina: Piscina;
  private closed = false;
  private readonly workers: number;
  private readonly maxQueue: number;
  private readonly sessions: Session[] = [];
  /** Runs waiting for a free session, in order. */
  private readonly waiting: { resolve: (s: Session) => void; reject: (err: Error) => void }[] = [];
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Runs with their own channel size (`channelBytes`) take the per-run path (one piscina task each) and hold a
   * channel meanwhile; at most two per worker, the rest wait here.
   */
  private active = 0;
  private readonly slots: number;
  private readonly slotWaiting: (() => void)[] = [];

  constructor(options: SandboxPoolOptions = {}) {
    const workers = options.workers ?? 2;
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError('vos: workers must be a positive integer');
    this.workers = workers;
    this.slots = workers * 2;
    this.maxQueue = options.maxQueue ?? Infinity;
    const PiscinaClass = loadPiscina();
    this.piscina = new PiscinaClass({
      filename: POOL_ENTRY,
      minThreads: workers,
      maxThreads: workers,
      concurrentTasksPerWorker: 1,
      idleTimeout: Infinity,
      // The runs' queue is the pool's own (`maxQueue` is checked there); piscina only ever holds the sessions and
      // the runs with their own channel size, so a session is never refused while a thread is being replaced.
      maxQueue: Infinity,
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
    if (options.channelBytes !== undefined) return this.runAsTask(prepared, options);
    const session = await this.acquire();
    try {
      return await this.runOn(session, prepared, options);
    } finally {
      this.release(session);
    }
  }

  /** A free session (opening one if fewer than `workers` are alive), or a place in the queue. */
  private acquire(): Promise<Session> {
    if (this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
    for (const s of this.sessions) {
      if (!s.busy) {
        s.busy = true;
        return Promise.resolve(s);
      }
    }
    if (this.sessions.length < this.workers) {
      const s = this.openSession();
      s.busy = true;
      return Promise.resolve(s);
    }
    if (this.waiting.length >= this.maxQueue) return Promise.reject(new Error('vos: the pool queue is full (maxQueue)'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Hands a session that finished a run to the next waiting run; ends idle sessions a little later. */
  private release(s: Session): void {
    s.busy = false;
    if (!s.alive) {
      // Its thread was ended (a deadline or an abort): the next waiting run gets a fresh session.
      if (this.waiting.length > 0 && !this.closed) {
        const fresh = this.openSession();
        fresh.busy = true;
        (this.waiting.shift() as { resolve: (s: Session) => void }).resolve(fresh);
      }
      return;
    }
    const next = this.waiting.shift();
    if (next !== undefined) {
      s.busy = true;
      next.resolve(s);
      return;
    }
    if (this.idleTimer === undefined && !this.closed) {
      this.idleTimer = setTimeout(() => this.endIdleSessions(), SESSION_IDLE_MS);
      this.idleTimer.unref?.();
    }
  }

  private openSession(): Session {
    const sab = createChannelBuffer();
    const { port1, port2 } = new MessageChannel();
    const s: Session = {
      sab, i32: new Int32Array(sab, 0, 32), box: undefined, port: port1, ac: new AbortController(), busy: false, alive: true,
      onReport: null, onDeath: null,
    };
    port1.on('message', (r: GuestReport) => {
      const f = s.onReport;
      s.onReport = null;
      s.onDeath = null;
      f?.(r);
    });
    // The session's thread keeps the process alive while it serves; the port need not.
    port1.unref();
    this.sessions.push(s);
    const ended = (err?: unknown): void => {
      s.alive = false;
      port1.close();
      const i = this.sessions.indexOf(s);
      if (i >= 0) this.sessions.splice(i, 1);
      const f = s.onDeath;
      s.onReport = null;
      s.onDeath = null;
      f?.(err ?? new Error('vos: the pool session ended'));
    };
    this.piscina.run({ sab, port: port2 }, { name: 'session', transferList: [port2 as never], signal: s.ac.signal }).then(() => ended(), ended);
    return s;
  }

  /** Ends the sessions no run is using (their tasks return; piscina keeps the threads, idle). */
  private endIdleSessions(): void {
    this.idleTimer = undefined;
    for (const s of [...this.sessions]) {
      if (s.busy) continue;
      this.endSession(s);
    }
  }

  private endSession(s: Session): void {
    s.alive = false;
    const i = this.sessions.indexOf(s);
    if (i >= 0) this.sessions.splice(i, 1);
    Atomics.store(s.i32, STATE, END);
    Atomics.notify(s.i32, STATE);
  }

  /** One run on a session's channel: the start goes on its port, RUN wakes the worker, the report comes back. */
  private async runOn(s: Session, prepared: PreparedModule, options: RunOptions): Promise<RunResult> {
    // The last run left its state word as it was (a stopped guest's may still say REQUEST): start clean.
    Atomics.store(s.i32, STATE, 0);
    s.box ??= createPostBox();
    Atomics.store(new Int32Array(s.box, 0, 1), 0, BOX_EMPTY);
    const { server, start } = await openRun(prepared, options, s.sab, s.box);
    // Ending the thread is the only way to stop a busy guest; the session dies with it.
    const limits = armLimits(options, () => s.ac.abort());
    const report = (): Promise<GuestReport> => new Promise<GuestReport>((resolve, reject) => {
      s.onReport = resolve;
      s.onDeath = reject;
      if (!s.alive) {
        reject(new Error('vos: the pool session ended'));
        return;
      }
      s.port.postMessage(start);
      Atomics.store(s.i32, STATE, RUN);
      Atomics.notify(s.i32, STATE);
      server.start();
    });
    // A live session's next run (or its end) wakes the server's last wait; a dead one's buffer is dropped, so
    // wake it now (nobody else waits on it any more).
    return settle(report, limits, server, () => !s.alive);
  }

  /** A run with its own channel size: one piscina task, as every run was before sessions. */
  private async runAsTask(prepared: PreparedModule, options: RunOptions): Promise<RunResult> {
    if (this.active >= this.slots) {
      if (this.slotWaiting.length >= this.maxQueue) throw new Error('vos: the pool queue is full (maxQueue)');
      await new Promise<void>((resolve) => this.slotWaiting.push(resolve));
    }
    this.active++;
    try {
      const { server, start } = await openRun(prepared, options);
      const limited = options.timeout !== undefined || options.signal !== undefined;
      const ac = limited ? new AbortController() : null;
      const limits = armLimits(options, () => ac?.abort());
      server.start();
      const report = (): Promise<GuestReport> => (ac === null ? this.piscina.run(start) : this.piscina.run(start, { signal: ac.signal }));
      return await settle(report, limits, server, () => true);
    } finally {
      this.active--;
      this.slotWaiting.shift()?.();
    }
  }

  /** Ends every worker; runs still queued reject. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    for (const w of this.waiting.splice(0)) w.reject(new Error('vos: the pool is closed'));
    for (const s of [...this.sessions]) this.endSession(s);
    await this.piscina.destroy();
  }
}
