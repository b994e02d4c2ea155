// What the system clock reads from the host, in a browser (see platform.ts for Node.js). Nothing here runs at
// module load: a page that is not cross-origin isolated has no SharedArrayBuffer, and browsers have no `process`.

/** Monotonic time in ns: `performance.now()` (ms, a double) scaled; exact to the ns for 104 days of uptime. */
export function monotonicNs(): bigint {
  return BigInt(Math.round(performance.now() * 1e6));
}

/**
 * Browsers coarsen `performance.now()` against timing attacks: 5 µs on a cross-origin isolated page, 100 µs
 * otherwise (Chromium and Firefox). We report the coarser figure unless the page is isolated.
 */
export function monotonicResolutionNs(): bigint {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true ? 5_000n : 100_000n;
}

export function wallClockMs(): number {
  const precise = performance.timeOrigin + performance.now();
  const coarse = Date.now();
  // timeOrigin is read once, when the process (or page) starts; if the wall clock has been stepped since (NTP,
  // a VM resumed, `date -s`) the precise figure is off by the whole step (seen: 10 s). Trust it only while it
  // agrees with Date.now(); otherwise Date.now() is the wall time and the fraction only adds sub-ms steps.
  return Math.abs(precise - coarse) <= 5 ? precise : coarse + (precise % 1);
}

export function realtimeResolutionNs(): bigint {
  return monotonicResolutionNs();
}

/**
 * Browsers expose no CPU-time clock. The guest runs synchronously on its thread, so the time since the page (or
 * worker) started is an upper bound of that thread's CPU time and moves with it; C's `clock()` needs the CPU
 * clocks to exist, so we give this rather than EINVAL.
 */
export function cpuTimeNs(): bigint {
  return monotonicNs();
}

export function cpuResolutionNs(): bigint {
  return monotonicResolutionNs();
}

/** `Atomics.wait` works only on shared memory and off the page's main thread; null where it cannot block. */
let sleepCell: Int32Array | null | undefined;

function waitCell(): Int32Array | null {
  if (sleepCell !== undefined) return sleepCell;
  sleepCell = null;
  if (typeof SharedArrayBuffer === 'function') {
    try {
      const cell = new Int32Array(new SharedArrayBuffer(4));
      Atomics.wait(cell, 0, 1, 0); // "not-equal" at once where waiting is allowed; a TypeError on a main thread
      sleepCell = cell;
    } catch {
      // a window's main thread, or no shared memory: spin below
    }
  }
  return sleepCell;
}

/**
 * Blocks for about `ms` ms. In a worker of a cross-origin isolated page this is `Atomics.wait`; elsewhere (a
 * page's main thread, a page without shared memory) the only synchronous sleep is to spin on the clock, which
 * keeps one core busy for the duration: run guests that sleep in a worker.
 */
export function sleepMs(ms: number): void {
  const cell = waitCell();
  if (cell !== null) {
    Atomics.wait(cell, 0, 0, ms);
    return;
  }
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // spin: see above
  }
}
