/**
 * Spin-then-wait for the channel's two sides (see docs/worker.md, "Waiting: spin, then sleep").
 *
 * A wake-up through the kernel costs ~10 µs when both threads share a core and ~20 µs each way when the other
 * side's (virtual) CPU has to be woken from idle, which is most of a round-trip; polling the state word for a
 * few µs costs none of that, but burns the core it runs on. So each side polls only right after it published
 * something (a call, an answer), only as long as recent waits say the other side answers soon, and never for
 * more than `max`: a wait that took longer than `max` (the guest computes, the provider is slow, the machine is
 * loaded and the other thread waits for a core) turns polling off until a wait is short again. An idle guest or
 * host costs nothing, and on one core nothing polls (the poller would only hold the core the other side needs).
 *
 * No `node:*` imports: the same code runs in browser Web Workers.
 */

declare const performance: { now(): number };
declare const navigator: { hardwareConcurrency?: number } | undefined;

/** Default upper bound of one spin, ms: about two wake-ups on the machines measured (bench/worker.js). */
export const DEFAULT_MAX_SPIN_MS = 0.05;
/** Shortest spin once polling is on, ms: a gap of a few µs that varies a little must not fall off the edge. */
const MIN_SPIN_MS = 0.01;

/**
 * The default maximum spin for `cores` logical CPUs: none on one core (or when the count is unknown to be more
 * than one in a browser that says so), `DEFAULT_MAX_SPIN_MS` otherwise. Without a count (Node 20 has no
 * `navigator`; the Node entry points pass `os.availableParallelism()`), more than one core is assumed.
 */
export function defaultMaxSpinMs(cores?: number): number {
  const n = cores ?? (typeof navigator === 'object' && navigator !== null ? navigator.hardwareConcurrency : undefined);
  return n !== undefined && n <= 1 ? 0 : DEFAULT_MAX_SPIN_MS;
}

/** Most waits that skip polling after polls kept failing: a failed poll is re-tried within ~10 ms of calls. */
const MAX_SKIP = 256;

/**
 * One side's spin budget, adapted to what it sees. Per wait: `next()` says how long to poll before sleeping
 * (0: sleep at once), `polled(answered)` says whether that poll saw the answer, and `record(gap)` how long the
 * wait took in the end, slept or not.
 *
 * Two signals turn polling off. A long gap (over `max`): nothing is coming soon, so poll no more until a short
 * gap is seen. A poll that ran out although the answer came soon after: the other side was not running, which
 * on a busy machine means it waits for the core this side is holding (both threads on one core, polling only
 * delays the other); then the next 2, 4, 8 ... 256 waits sleep at once, and one answered poll ends that.
 * Measured under load (bench/worker.js), polling without this second signal made round-trips 5-10x slower
 * than not polling; with it they were as fast as not polling.
 */
export class AdaptiveSpin {
  /** Poll limit while polling is on, ms (0: off). */
  private limit = 0;
  /** Recent short gaps, ms (a moving average). */
  private recent: number;
  /** Consecutive polls that ran out, and the waits still to skip because of them. */
  private failed = 0;
  private skip = 0;

  constructor(readonly max: number) {
    if (!(max >= 0 && Number.isFinite(max))) throw new RangeError('vos: a spin limit must be a non-negative number of ms');
    this.recent = max;
  }

  /** How long this wait polls before sleeping, ms (0: sleep at once). */
  next(): number {
    if (this.limit === 0) return 0;
    if (this.skip > 0) {
      this.skip--;
      return 0;
    }
    return this.limit;
  }

  /** The poll `next()` asked for saw the answer (true) or ran out (false). */
  polled(answered: boolean): void {
    if (answered) {
      this.failed = 0;
      return;
    }
    if (this.failed < 8) this.failed++;
    this.skip = Math.min(MAX_SKIP, 1 << this.failed);
  }

  /**
   * The wait took `gapMs` from the moment this side published to the moment it saw the other side's answer.
   * Over `max`: poll no more. Otherwise poll about three times the recent gaps next time (a gap seen while
   * sleeping includes the wake-up, so a short gap seen that way turns polling on, and answered polls then bring
   * the limit down to what is needed).
   */
  record(gapMs: number): void {
    if (gapMs > this.max) {
      this.limit = 0;
      this.recent = this.max;
      return;
    }
    this.recent += (gapMs - this.recent) * 0.25;
    const next = this.recent * 3;
    this.limit = next < MIN_SPIN_MS ? MIN_SPIN_MS : next > this.max ? this.max : next;
  }
}

/** Polls `i32[index]` while it equals `value`, for at most `ms`; true when it changed. */
export function spinWhileEqual(i32: Int32Array, index: number, value: number, ms: number): boolean {
  if (Atomics.load(i32, index) !== value) return true;
  const until = performance.now() + ms;
  do {
    if (Atomics.load(i32, index) !== value) return true;
  } while (performance.now() < until);
  return Atomics.load(i32, index) !== value;
}

/** Polls `i32[index]` until it equals `value`, for at most `ms`; true when it does. */
export function spinUntilEqual(i32: Int32Array, index: number, value: number, ms: number): boolean {
  if (Atomics.load(i32, index) === value) return true;
  const until = performance.now() + ms;
  do {
    if (Atomics.load(i32, index) === value) return true;
  } while (performance.now() < until);
  return Atomics.load(i32, index) === value;
}
