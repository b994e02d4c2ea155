import type { Clock } from '@vos/core';
import type { Clockid } from '@vos/core';
import { cpuResolutionNs, cpuTimeNs, monotonicNs, monotonicResolutionNs, realtimeResolutionNs, sleepMs, wallClockMs } from './platform';

// Clockid values, inlined as literals so `now` is a plain integer switch (no property loads on the hot path).
const REALTIME = 0;
const MONOTONIC = 1;
const PROCESS_CPUTIME_ID = 2;
const THREAD_CPUTIME_ID = 3;

/**
 * realtime - monotonic of the last anchor taken in this thread: a cache of a fact about the host's clocks (like
 * platform.ts's), not state of any guest. See `SystemClock.firstRealtime`.
 */
let lastAnchor: bigint | undefined;

/** Longest single sleep, in ms: short enough that a deadline is re-checked against the real clock often. */
const MAX_SLEEP_SLICE_MS = 1000;

/**
 * The host's real clocks, read through `platform.ts` (Node.js) or `platform.browser.ts` (browsers).
 *
 * realtime: neither platform has a ns wall clock, so each clock anchors once, at its first realtime read:
 * `performance.timeOrigin + performance.now()` gives the wall time in ms with µs precision, paired with the
 * monotonic clock read at the same moment (or the thread's last anchor is reused while it still agrees with
 * `Date.now()`); afterwards realtime = anchor + (monotonic - monotonicAtAnchor). It therefore advances with the monotonic
 * clock's granularity and never jumps backwards, but it does not follow later wall-clock adjustments (NTP steps,
 * `date -s`) — the same trade-off as `performance.now()`.
 *
 * Resolutions are honest: on Node realtime 1 µs (the anchor's precision), monotonic 1 ns, CPU time 1 µs
 * (`cpuUsage` is µs); in a browser what `performance.now()` really gives, and the CPU clocks are the time since
 * the page started (browsers have no CPU clock; see platform.browser.ts).
 */
export class SystemClock implements Clock {
  /**
   * realtime - monotonic, fixed at the anchor: realtime is one addition per read. Anchored at the first realtime
   * read, not at construction: on Node the first use of `performance` loads perf_hooks (milliseconds of a cold
   * start), and many runs never read the wall clock.
   */
  private realtimeOffset: bigint | undefined;

  // No constructor work: a clock is made for every sandbox, most never ask for a resolution, and in a browser
  // each one is a read of `crossOriginIsolated` (a host-object access). `resolution` asks the platform then.

  /**
   * The first realtime read of this clock: fixes its offset and returns the time. The offset of the last anchor
   * in this thread is reused while it still agrees with `Date.now()` within 5 ms (it does unless the wall clock
   * was stepped since: NTP, a resumed VM, `date -s`); otherwise a new anchor is taken. Anchoring reads the clocks
   * four times, which cost more than the rest of a sandbox's construction in a browser (every in-memory
   * filesystem stamps its root with the time); the check is one monotonic read and `Date.now()`. Each clock
   * still keeps its own offset from then on, so its realtime never jumps.
   */
  private firstRealtime(): bigint {
    const monotonic = monotonicNs();
    const shared = lastAnchor;
    if (shared !== undefined) {
      const realtime = monotonic + shared;
      // In ms as a double (exact to well under a µs): cheaper than a BigInt division.
      if (Math.abs(Number(realtime) / 1e6 - Date.now()) <= 5) {
        this.realtimeOffset = shared;
        return realtime;
      }
    }
    const wallMs = wallClockMs();
    // Split into whole ms and the µs remainder so the float's precision is not lost in one big multiply.
    const wholeMs = Math.floor(wallMs);
    const fracUs = Math.round((wallMs - wholeMs) * 1000);
    const realtimeAnchorNs = BigInt(wholeMs) * 1_000_000n + BigInt(fracUs) * 1000n;
    const offset = realtimeAnchorNs - monotonic;
    this.realtimeOffset = lastAnchor = offset;
    return monotonic + offset;
  }

  now(id: Clockid): bigint {
    switch (id) {
      case REALTIME:
        return this.realtimeOffset === undefined ? this.firstRealtime() : monotonicNs() + this.realtimeOffset;
      case MONOTONIC:
        return monotonicNs();
      case PROCESS_CPUTIME_ID:
      case THREAD_CPUTIME_ID:
        return cpuTimeNs();
      default:
        return 0n;
    }
  }

  resolution(id: Clockid): bigint {
    switch (id) {
      case REALTIME:
        return realtimeResolutionNs();
      case MONOTONIC:
        return monotonicResolutionNs();
      case PROCESS_CPUTIME_ID:
      case THREAD_CPUTIME_ID:
        return cpuResolutionNs();
      default:
        return 0n;
    }
  }

  /**
   * Sleeps until the monotonic clock reaches `deadline`, in slices of at most MAX_SLEEP_SLICE_MS. A slice may
   * wake early (`Atomics.wait` has ms granularity), so each one is re-measured; the last is rounded up to a whole
   * ms, which can oversleep by < 1 ms but never undersleeps.
   */
  sleepUntil(deadline: bigint): void {
    for (;;) {
      const remainingNs = deadline - monotonicNs();
      if (remainingNs <= 0n) return;
      const remainingMs = Math.ceil(Number(remainingNs) / 1e6);
      sleepMs(Math.min(remainingMs, MAX_SLEEP_SLICE_MS));
    }
  }
}
