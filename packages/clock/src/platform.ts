// What the system clock reads from the host, on Node.js. `platform.browser.ts` is the same surface for browsers;
// the browser build swaps the file (scripts/bundle.js), so neither platform tests for the other at run time.

/** Monotonic time in ns, from an arbitrary origin. Read once: `process.hrtime` is a property lookup. */
export const monotonicNs: () => bigint = process.hrtime.bigint;

/** Resolution of `monotonicNs`, in ns. */
export function monotonicResolutionNs(): bigint {
  return 1n;
}

/** Wall-clock time in ms with µs precision (Node has no ns wall clock). */
export function wallClockMs(): number {
  const precise = performance.timeOrigin + performance.now();
  const coarse = Date.now();
  // timeOrigin is read once, when the process (or page) starts; if the wall clock has been stepped since (NTP,
  // a VM resumed, `date -s`) the precise figure is off by the whole step (seen: 10 s). Trust it only while it
  // agrees with Date.now(); otherwise Date.now() is the wall time and the fraction only adds sub-ms steps.
  return Math.abs(precise - coarse) <= 5 ? precise : coarse + (precise % 1);
}

/** Resolution of the realtime clock built on `wallClockMs`, in ns. */
export function realtimeResolutionNs(): bigint {
  return 1000n;
}

/**
 * CPU time of the process in ns. Node 20 has no per-thread CPU figure; the
 * process figure is the closest honest answer (for a single-threaded guest the two are nearly the same).
 * `cpuUsage` allocates a small object; unavoidable.
 */
export function cpuTimeNs(): bigint {
  const usage = process.cpuUsage();
  return BigInt(usage.user + usage.system) * 1000n;
}

/** `cpuUsage` counts µs. */
export function cpuResolutionNs(): bigint {
  return 1000n;
}

/** Private wait cell, made at the first sleep (nothing is allocated at module load): nobody notifies it. */
let sleepCell: Int32Array | undefined;

/** Blocks the thread for about `ms` ms without spinning (`Atomics.wait` may wake early; the caller re-checks). */
export function sleepMs(ms: number): void {
  if (sleepCell === undefined) sleepCell = new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
}
