import { ARG, CLOSE_COUNT, CLOSES, ChannelViews, MAX_PIGGYBACK_CLOSES, OP, Op, REQUEST, RESPONSE, STATE } from './layout';

declare class TextEncoder {
  encode(input?: string): Uint8Array;
  encodeInto(src: string, dest: Uint8Array): { read: number; written: number };
}
declare class TextDecoder {
  decode(input?: ArrayBufferView): string;
}
declare const performance: { now(): number };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * How long the client polls the state word before it sleeps in `Atomics.wait`, in ms. Default 0: measured on
 * the shared 2-core machines here (bench/worker.js), polling made a round-trip ~10x slower (the polling thread
 * takes the core the other side needs), while a plain futex wake-up each way costs 11-15 µs. On a machine with
 * idle cores a short poll (0.02) can halve that.
 */
const DEFAULT_SPIN_MS = 0;

/**
 * The blocking side of the channel: the thread that runs the guest (or any synchronous caller, such as a test
 * in the jest thread talking to a provider served from a worker). One call at a time; the caller fills the
 * argument slots and the payload, `call(op)` publishes the request, waits for the response and returns the
 * first result slot.
 *
 * No `node:*` imports: only `Atomics` and typed arrays, so the same client runs in a browser Web Worker.
 */
export class ChannelClient {
  readonly views: ChannelViews;
  readonly i32: Int32Array;
  readonly data: Uint8Array;
  /** Handles the client dropped; sent with the next call, so closing costs no round-trip. */
  private readonly closes: number[] = [];
  /** Whether `TextEncoder.encodeInto` writes into shared memory here (Node: yes; browsers: no). */
  private encodeIntoShared = true;
  /** Bumped by every call that may change file contents, so read-ahead caches can tell they are stale. */
  generation = 0;
  calls = 0;

  constructor(sab: SharedArrayBuffer, private readonly spinMs = DEFAULT_SPIN_MS) {
    this.views = new ChannelViews(sab);
    this.i32 = this.views.i32;
    this.data = this.views.data;
  }

  /** Publishes the request in the slots and waits for the response. Returns result slot 0. */
  call(op: number): number {
    const i32 = this.i32;
    const closes = this.closes;
    const n = closes.length < MAX_PIGGYBACK_CLOSES ? closes.length : MAX_PIGGYBACK_CLOSES;
    for (let i = 0; i < n; i++) i32[CLOSES + i] = closes[i];
    if (n > 0) closes.splice(0, n);
    i32[CLOSE_COUNT] = n;
    i32[OP] = op;
    this.calls++;
    Atomics.store(i32, STATE, REQUEST);
    Atomics.notify(i32, STATE);
    if (Atomics.load(i32, STATE) === REQUEST && this.spinMs > 0) {
      const until = performance.now() + this.spinMs;
      while (Atomics.load(i32, STATE) === REQUEST && performance.now() < until);
    }
    while (Atomics.load(i32, STATE) === REQUEST) Atomics.wait(i32, STATE, REQUEST);
    return i32[ARG];
  }

  /** Queues a handle to be closed with the next call. */
  deferClose(id: number): void {
    this.closes.push(id);
    if (this.closes.length > 64) this.flush();
  }

  /** Sends every queued close now (at the end of a run). */
  flush(): void {
    while (this.closes.length > 0) this.call(Op.FLUSH);
  }

  /** Writes `s` as UTF-8 at `at` in the payload; returns the byte length, or -1 when it does not fit. */
  putString(s: string, at: number): number {
    const dest = this.data.subarray(at);
    if (this.encodeIntoShared) {
      try {
        const r = encoder.encodeInto(s, dest);
        if (r.read !== s.length) return -1;
        return r.written;
      } catch {
        // Browsers refuse encodeInto on shared memory (Node allows it): encode, then copy, from now on.
        this.encodeIntoShared = false;
      }
    }
    const bytes = encoder.encode(s);
    if (bytes.length > dest.length) return -1;
    dest.set(bytes);
    return bytes.length;
  }

  getString(at: number, len: number): string {
    // TextDecoder refuses views on shared memory: copy out first.
    return decoder.decode(this.data.slice(at, at + len));
  }
}
