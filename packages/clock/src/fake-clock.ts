import type { Clock } from '@vos/core';
import type { Clockid } from '@vos/core';
import { DEFAULT_EPOCH_NS, toEpochNs, type TimeInput } from './time-input';

// Clockid values as literals, so `now` is a plain integer switch.
const REALTIME = 0;
const MONOTONIC = 1;
const PROCESS_CPUTIME_ID = 2;
const THREAD_CPUTIME_ID = 3;
/**
 * The largest value a WASI timestamp (u64 ns) holds. Every clock here saturates at it instead of growing past it:
 * written to the guest a larger value would wrap, and monotonic time would be seen going backwards.
 */
const U64_MAX = 0xffff_ffff_ffff_ffffn;

function sat(t: bigint): bigint {
  return t > U64_MAX ? U64_MAX : t;
}

export interface FakeClockOptions {
  /** Realtime at the start. Default: 2000-01-01T00:00:00Z (`DEFAULT_EPOCH_NS`). */
  start?: TimeInput;
  /** Monotonic at the start, in ns. Default 0n: like a freshly booted machine. */
  monotonicStart?: bigint;
  /**
   * ns added after every read of any clock (0n = off, the default). For guests that spin until the clock moves
   * (`while (clock() == t0)`), which would otherwise never end under a clock that only the host advances.
   */
  autoAdvance?: bigint;
}

/**
 * Virtual time: the one source of time for a guest when a test wants reproducible runs. Nothing here reads the
 * host's clocks.
 *
 * - Monotonic is the master: realtime = monotonic + an offset, so `advance`, auto-advance and sleeps move both
 *   by the same amount. `set(realtime)` changes only the offset (as `settimeofday` does), so monotonic never
 *   goes backwards, even when realtime is set back.
 * - `sleepUntil` (poll_oneoff sleeps, libc `sleep`/`nanosleep`) jumps monotonic to the deadline at once: a guest
 *   that sleeps an hour finishes in microseconds and observes the hour.
 * - CPU clocks (process and thread, equal: a guest is one thread) count the virtual time that passed while the
 *   guest was running, i.e. `advance` and auto-advance steps, but not sleeps (a sleeping process burns no CPU).
 *   They start at 0.
 * - Resolution is 1 ns for all four clocks: time moves by whatever ns the host asks for, so 1 ns is honest.
 */
export class FakeClock implements Clock {
  private mono: bigint;
  private realtimeOffset: bigint;
  private cpu = 0n;
  private readonly step: bigint;

  constructor(options: FakeClockOptions | TimeInput = {}) {
    const o: FakeClockOptions = isTimeInput(options) ? { start: options } : options;
    this.mono = o.monotonicStart ?? 0n;
    if (this.mono < 0n || this.mono > U64_MAX) throw new RangeError('vos: FakeClock monotonicStart must be in [0, 2^64-1]');
    this.realtimeOffset = (o.start === undefined ? DEFAULT_EPOCH_NS : toEpochNs(o.start)) - this.mono;
    this.step = o.autoAdvance ?? 0n;
    if (this.step < 0n) throw new RangeError('vos: FakeClock autoAdvance must be >= 0');
  }

  /** Reads `id`, then applies the auto-advance step (so the first read sees the start exactly). */
  now(id: Clockid): bigint {
    let t: bigint;
    switch (id) {
      case REALTIME:
        t = this.realtimeNs;
        break;
      case MONOTONIC:
        t = this.mono;
        break;
      case PROCESS_CPUTIME_ID:
      case THREAD_CPUTIME_ID:
        t = this.cpu;
        break;
      default:
        return 0n;
    }
    if (this.step !== 0n) {
      this.mono = sat(this.mono + this.step);
      this.cpu = sat(this.cpu + this.step);
    }
    return t;
  }

  resolution(id: Clockid): bigint {
    return id >= REALTIME && id <= THREAD_CPUTIME_ID ? 1n : 0n;
  }

  /** Never blocks: a deadline in the future becomes now; one in the past changes nothing. */
  sleepUntil(deadline: bigint): void {
    if (deadline > this.mono) this.mono = sat(deadline);
  }

  /** Moves all clocks forward by `ns` (>= 0; time never runs backwards here, use `set` to change realtime). */
  advance(ns: bigint | number): void {
    const d = BigInt(ns);
    if (d < 0n) throw new RangeError('vos: FakeClock.advance takes ns >= 0 (use set() to move realtime back)');
    this.mono = sat(this.mono + d);
    this.cpu = sat(this.cpu + d);
  }

  /** Sets realtime (forward or back); monotonic and CPU time are untouched. */
  set(realtime: TimeInput): void {
    this.realtimeOffset = toEpochNs(realtime) - this.mono;
  }

  /** Current realtime in ns, without applying the auto-advance step (for assertions). */
  get realtimeNs(): bigint {
    const t = this.mono + this.realtimeOffset;
    return t < 0n ? 0n : sat(t);
  }

  /** Current monotonic time in ns, without applying the auto-advance step. */
  get monotonicNs(): bigint {
    return this.mono;
  }

  /** Current realtime as a Date (ms precision). */
  get date(): Date {
    return new Date(Number(this.realtimeNs / 1_000_000n));
  }
}

function isTimeInput(x: unknown): x is TimeInput {
  return typeof x === 'bigint' || typeof x === 'string' || x instanceof Date;
}
