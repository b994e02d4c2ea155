// The task functions of a pooled worker (piscina). `session` (the pool's own path): one task per worker that
// runs guest after guest, each started through the session's channel; the default export: one guest run per
// task (a run with its own channel size).
import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { runGuest } from './guest';
import { END, RUN, STATE } from './channel/layout';
import { nodePlatform } from './platform/node';
import type { GuestReport, GuestStart } from './protocol';

export default function runPooledGuest(start: GuestStart): GuestReport {
  return runGuest(start, nodePlatform);
}

/** Longest a session keeps its thread's event loop from turning, between runs (ms). */
const TURN_MS = 1;

/** What a session task is given: its channel buffer and the port its runs' starts come on. */
export interface SessionInit {
  readonly sab: SharedArrayBuffer;
  readonly port: MessagePort;
}

/**
 * Runs the guests the host starts on this session's channel, one after the other, until the host ends it: waits
 * in `Atomics.wait` for RUN (no piscina dispatch per run), takes the start the host posted on the port just
 * before (`receiveMessageOnPort`: synchronous), runs it, and posts the report back on the port. The event loop
 * turns once after a run when it has not turned for `TURN_MS`: V8's tasks for this thread (incremental marking
 * among them) run only then, and without them the garbage collection that a large guest's instantiation
 * triggers was a full pause (flite's slow instantiations took ~17 ms in the worker against ~12 ms on the host
 * thread); short runs (hello-world, ~0.1 ms) do not pay a turn each.
 */
export async function session(init: SessionInit): Promise<string> {
  const i32 = new Int32Array(init.sab, 0, 32);
  let turnedAt = performance.now();
  for (;;) {
    let state = Atomics.load(i32, STATE);
    while (state !== RUN && state !== END) {
      Atomics.wait(i32, STATE, state);
      state = Atomics.load(i32, STATE);
    }
    if (state === END) {
      init.port.close();
      return 'ended';
    }
    Atomics.store(i32, STATE, 0);
    const message = receiveMessageOnPort(init.port);
    if (message === undefined) continue;
    init.port.postMessage(runGuest(message.message as GuestStart, nodePlatform));
    if (performance.now() - turnedAt >= TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      turnedAt = performance.now();
    }
  }
}
