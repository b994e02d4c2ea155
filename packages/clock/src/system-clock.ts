import type { Clock } from '@vos/core';
import type { Clockid } from '@vos/core';

// Clockid values, inlined as literals so `now` is a plain integer switch (no property loads on the hot path).
const REALTIME = 0;
const MONOTONIC = 1;
const PROCESS_CPUTIME_ID = 2;
const THREAD_CPUTIME_ID = 3;

/** Read once: `process.hrtime` is a property lookup we keep off the per-call path. */
const hrtimeBigint = process.hrtime.bigint;

/** Longest single `Atomics.wait`, in ms: short enough that a deadline is re-checked against the real clock often. */
const MAX_SLEEP_SLICE_MS = 1000;

/**
 * The host's real clocks.
 *
 * realtime: Node has no ns wall clock, so we anchor once: `performance.timeOrigin + performance.now()` gives the
 * wall time in ms with µs precision, paired with `process.hrtime.bigint()` read at the same moment; afterwards
 * realtime = anchor + (hrtime - hrtimeAtAnchor). It therefore advances with ns granularity and never jumps
 * backwards, but it does not follow later wall-clock adjustments (NTP steps, `date -s`) — the same trade-off as
 * `performance.now()`.
 *
 * Resolutions are honest: realtime 1 µs (the anchor's precision), monotonic 1 ns, CPU time 1 µs (`cpuUsage` is µs).
 */
export class SystemClock implements Clock {
  private readonly realtimeAnchorNs: bigint;
  private readonly hrtimeAtAnchor: bigint;
  /** realtime - monotonic, fixed at the anchor: realtime is one addition per read. */
  private readonly realtimeOffset: bigint;
  /** Private wait cell: nobody ever notifies it, so `Atomics.wait` on it is a pure sleep. */
  private readonly sleepCell = new Int32Array(new SharedArrayBuffer(4));

  constructor() {
    this.hrtimeAtAnchor = process.hrtime.bigint();
    const wallMs = performance.timeOrigin + performance.now();
    // Split into whole ms and the µs remainder so the float's precision is not lost in one big multiply.
    const wholeMs = Math.floor(wallMs);
    const fracUs = Math.round((wallMs - wholeMs) * 1000);
    this.realtimeAnchorNs = BigInt(wholeMs) * 1_000_000n + BigInt(fracUs) * 1000n;
    this.realtimeOffset = this.realtimeAnchorNs - this.hrtimeAtAnchor;
  }

  now(id: Clockid): bigint {
    switch (id) {
      case REALTIME:
        return hrtimeBigint() + this.realtimeOffset;
      case MONOTONIC:
        return hrtimeBigint();
      case PROCESS_CPUTIME_ID:
      case THREAD_CPUTIME_ID:
        // Node 20 has no per-thread CPU figure; the process figure is the closest honest answer (for a
        // single-threaded guest the two are nearly the same). cpuUsage allocates a small object; unavoidable.
        return cpuTimeNs();
      default:
        return 0n;
    }
  }

  resolution(id: Clockid): bigint {
    switch (id) {
      case REALTIME:
        return 1000n;
      case MONOTONIC:
        return 1n;
      case PROCESS_CPUTIME_ID:
      case THREAD_CPUTIME_ID:
        return 1000n;
      default:
        return 0n;
    }
  }

  /**
   * Sleeps until `process.hrtime.bigint() >= deadline`, in `Atomics.wait` slices (no spinning). `Atomics.wait`
   * has ms granularity and may wake early, so each slice is re-measured against the monotonic clock; the last
   * slice is rounded up to a whole ms, which can oversleep by < 1 ms but never undersleeps.
   */
  sleepUntil(deadline: bigint): void {
    for (;;) {
      const remainingNs = deadline - process.hrtime.bigint();
      if (remainingNs <= 0n) return;
      const remainingMs = Math.ceil(Number(remainingNs) / 1e6);
      Atomics.wait(this.sleepCell, 0, 0, Math.min(remainingMs, MAX_SLEEP_SLICE_MS));
    }
  }
}

function cpuTimeNs(): bigint {
  const usage = process.cpuUsage();
  return BigInt(usage.user + usage.system) * 1000n;
}
