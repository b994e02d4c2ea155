import type { Worker } from 'node:worker_threads';

/**
 * SIGTERM for a run that has reports to print (`--diff`, `--trace-summary`, `--trace=FILE`).
 *
 * The guest holds the main thread, so a `process.on('SIGTERM')` listener would not run before it ends. Only
 * SIGINT can stop it (node:vm's `breakOnSigint`, see run.ts). So a small worker thread, whose event loop is
 * free, watches SIGTERM through libuv's signal handle (libuv dispatches a signal to every loop watching it; Node
 * offers no public API for that in a worker, hence `process.binding('signal_wrap')`), records it in shared
 * memory and turns it into a SIGINT to this process, which stops the guest; the run then reports and exits 143.
 * If the binding is unavailable the worker does nothing and SIGTERM keeps its default (exit 143, no report).
 */
export class SigtermRelay {
  /** [0]: SIGTERM received; [1]: the worker is watching (or gave up), notified. */
  private readonly received = new Int32Array(new SharedArrayBuffer(8));
  private readonly worker: Worker;

  constructor() {
    // node:worker_threads is loaded here, for the runs that need the relay: loading it (and node:stream with it)
    // costs every `vos run` a couple of ms (cold start, see docs/decisions.md).
    const { Worker: WorkerThread } = require('node:worker_threads') as typeof import('node:worker_threads');
    this.worker = new WorkerThread(RELAY_SOURCE, { eval: true, workerData: this.received });
    this.worker.unref();
  }

  /** Whether SIGTERM (rather than a real Ctrl-C) is what stopped the guest. */
  get sigterm(): boolean {
    return Atomics.load(this.received, 0) !== 0;
  }

  /**
   * Waits (up to `ms`) until the worker watches SIGTERM, so a signal sent once the guest runs is never missed.
   * Its start overlaps with compiling the module and composing the world.
   */
  waitReady(ms: number): void {
    Atomics.wait(this.received, 1, 0, ms);
  }

  stop(): void {
    void this.worker.terminate();
  }
}

const RELAY_SOURCE = `
'use strict';
const { workerData } = require('node:worker_threads');
// The binding is deprecated for general use (DEP0111); its warning would land on the guest's stderr.
process.noDeprecation = true;
try {
  const { Signal } = process.binding('signal_wrap');
  const handle = new Signal();
  handle.onsignal = () => {
    Atomics.store(workerData, 0, 1);
    process.kill(process.pid, 'SIGINT');
  };
  // Kept referenced: the worker lives (watching) until stop() terminates it; the Worker itself is unref'd.
  handle.start(require('node:os').constants.signals.SIGTERM);
} catch {
  // No signal binding in this Node: SIGTERM keeps its default action.
}
Atomics.store(workerData, 1, 1);
Atomics.notify(workerData, 1);
`;
