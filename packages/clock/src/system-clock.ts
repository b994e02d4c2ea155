import type { Clock } from '@vos/core';
import type { Clockid } from '@vos/core';
import { cpuResolutionNs, cpuTimeNs, monotonicNs, monotonicResolutionNs, realtimeResolutionNs, sleepMs, wallClockMs } from './platform';

// Clockid values, inlined as literals so `now` is a plain integer switch (no property loads on the hot path).
const REALTIME = 0;
const MONOTONIC = 1;
const PROCESS_CPUTIME_ID = 2;
const THREAD_CPUTIME_ID = 3;

/** Longest single sleep, in ms: short enough that a deadline is re-checked against the real clock often. */
const MAX_SLEEP_SLICE_MS = 1000;

/**
 * The host's real clocks, read through `platform.ts` (Node.js) or `platform.browser.ts` (browsers).
 *
 * realtime: neither platform has a ns wall clock, so we anchor once: `performance.timeOrigin + performance.now()`
 * gives the wall time in ms with µs precision, paired with the monotonic clock read at the same moment;
 * afterwards realtime = anchor + (monotonic - monotonicAtAnchor). It therefore advances with the monotonic
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
  private readonly monotonicResolution: bigint;
  private readonly realtimeResolution: bigint;
  private readonly cpuResolution: bigint;

  constructor() {
    this.monotonicResolution = monotonicResolutionNs();
    this.realtimeResolution = realtimeResolutionNs();
    this.cpuResolution = cpuResolutionNs();
  }

  private anchorRealtime(): bigint {
    const monotonicAtAnchor = monotonicNs();
    const wallMs = wallClockMs();
    // Split into whole ms and the µs remainder so the float's precision is not lost in one big multiply.
    const wholeMs = Math.floor(wallMs);
    const fracUs = Math.round((wallMs - wholeMs) * 1000);
    const realtimeAnchorNs = BigInt(wholeMs) * 1_000_000n + BigInt(fracUs) * 1000n;
    return (this.realtimeOffset = realtimeAnchorNs - monotonicAtAnchor);
  }

  now(id: Clockid): bigint {
    switch (id) {
      case REALTIME:
        return monotonicNs() + (this.realtimeOffset ?? this.anchorRealtime());
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
        return this.realtimeResolution;
      case MONOTONIC:
        return this.monotonicResolution;
      case PROCESS_CPUTIME_ID:
      case THREAD_CPUTIME_ID:
        return this.cpuResolution;
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
