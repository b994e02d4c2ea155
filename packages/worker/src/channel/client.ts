import {
  ARG, BOX_BUSY, BOX_DATA_OFFSET, BOX_EMPTY, BOX_FULL, BOX_LENGTH, BOX_STATE, BOX_STREAM, CLOSE_COUNT, CLOSES, ChannelViews,
  MAX_PIGGYBACK_CLOSES, OP, Op, REQUEST, STATE,
} from './layout';
import { AdaptiveSpin, defaultMaxSpinMs, spinWhileEqual } from './spin';

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
  /** How long to poll for the answer before sleeping in `Atomics.wait` (see spin.ts); null: never poll. */
  private readonly spin: AdaptiveSpin | null;
  /** The post box (layout.ts), when the serving side gave one. */
  private readonly box: Int32Array | null;
  private readonly boxData: Uint8Array | null;
  /** Writes that went through the post box (no round-trip). */
  posts = 0;

  /**
   * `maxSpinMs`: the most the client polls for an answer before it sleeps, adapted to how fast answers come
   * (spin.ts); 0 never polls. Default: 0.05 ms, none on one core.
   */
  constructor(sab: SharedArrayBuffer, maxSpinMs = defaultMaxSpinMs(), box?: SharedArrayBuffer) {
    this.views = new ChannelViews(sab);
    this.i32 = this.views.i32;
    this.data = this.views.data;
    this.spin = maxSpinMs > 0 ? new AdaptiveSpin(maxSpinMs) : null;
    this.box = box === undefined ? null : new Int32Array(box, 0, 4);
    this.boxData = box === undefined ? null : new Uint8Array(box, BOX_DATA_OFFSET);
  }

  /**
   * Puts a write to served stream `stream` in the post box and returns without waiting (false: no box, or more
   * bytes than it holds: make an ordinary call). Only for streams whose write cannot fail (the guest is told
   * every byte was written). Appends to what the box holds for the same stream if the serving side has not
   * taken it yet; waits for it to be taken otherwise. Ordering: the serving side takes the box before it serves
   * any later call.
   */
  post(stream: number, buf: Uint8Array, off: number, len: number): boolean {
    const box = this.box;
    const data = this.boxData;
    if (box === null || data === null || len > data.length) return false;
    for (;;) {
      const state = Atomics.compareExchange(box, BOX_STATE, BOX_EMPTY, BOX_BUSY);
      if (state === BOX_EMPTY) {
        box[BOX_STREAM] = stream;
        box[BOX_LENGTH] = len;
        data.set(buf.subarray(off, off + len), 0);
        Atomics.store(box, BOX_STATE, BOX_FULL);
        // Wakes the serving side's wait on the channel's word (its state is unchanged: a spurious wake to it).
        Atomics.notify(this.i32, STATE);
        this.posts++;
        return true;
      }
      if (state === BOX_FULL && Atomics.compareExchange(box, BOX_STATE, BOX_FULL, BOX_BUSY) === BOX_FULL) {
        const n = box[BOX_LENGTH];
        if (box[BOX_STREAM] === stream && n + len <= data.length) {
          data.set(buf.subarray(off, off + len), n);
          box[BOX_LENGTH] = n + len;
          Atomics.store(box, BOX_STATE, BOX_FULL);
          this.posts++;
          return true;
        }
        Atomics.store(box, BOX_STATE, BOX_FULL);
      }
      // Full of other bytes, or being taken: wait until the serving side has emptied it (it notifies the box).
      // Wake it first, and again every millisecond: the notify that came with the bytes now in the box is lost
      // when it lands while the serving side is between its last look at the box and its wait (or spinning on
      // the state word), and then nothing else would wake it: both sides would wait for ever.
      const now = Atomics.load(box, BOX_STATE);
      if (now !== BOX_EMPTY) {
        Atomics.notify(this.i32, STATE);
        Atomics.wait(box, BOX_STATE, now, 1);
      }
    }
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
    const spin = this.spin;
    if (spin === null) {
      while (Atomics.load(i32, STATE) === REQUEST) Atomics.wait(i32, STATE, REQUEST);
      return i32[ARG];
    }
    const t0 = performance.now();
    const ms = spin.next();
    let answered = false;
    if (ms > 0) {
      answered = spinWhileEqual(i32, STATE, REQUEST, ms);
      spin.polled(answered);
    }
    if (!answered) {
      while (Atomics.load(i32, STATE) === REQUEST) Atomics.wait(i32, STATE, REQUEST);
    }
    spin.record(performance.now() - t0);
    return i32[ARG];
  }

  /** Queues a handle to be closed with the next call. */
  deferClose(id: number): void {
    this.closes.push(id);
    if (this.closes.length > 64) this.flush();
  }

  /** Hands over the queued closes (for the serving side to do itself, `ChannelServer.close`); the queue empties. */
  takeCloses(): number[] {
    return this.closes.splice(0, this.closes.length);
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
