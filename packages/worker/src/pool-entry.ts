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

/** What a session task is given: its channel buffer and the port its runs' starts come on. */
export interface SessionInit {
  readonly sab: SharedArrayBuffer;
  readonly port: MessagePort;
}

/**
 * Runs the guests the host starts on this session's channel, one after the other, until the host ends it: waits
 * in `Atomics.wait` for RUN (no event loop turn, no piscina dispatch per run), takes the start the host posted on
 * the port just before (`receiveMessageOnPort`: synchronous), runs it, and posts the report back on the port.
 */
export function session(init: SessionInit): string {
  const i32 = new Int32Array(init.sab, 0, 32);
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
  }
}
