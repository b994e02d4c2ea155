const FIRST_WAIT_MS = 1;
const MAX_WAIT_MS = 10;

/**
 * Waits out EAGAIN on a host fd that Node made non-blocking, for a guest that expects a blocking call:
 * `Atomics.wait` on a private cell nobody notifies (a real sleep, no spinning), 1 ms at first and doubling up to
 * 10 ms, so a fast pipe costs little latency and a long wait little CPU.
 */
export class RetryBackoff {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private nextMs = FIRST_WAIT_MS;

  reset(): void {
    this.nextMs = FIRST_WAIT_MS;
  }

  wait(): void {
    Atomics.wait(this.cell, 0, 0, this.nextMs);
    this.nextMs = Math.min(this.nextMs * 2, MAX_WAIT_MS);
  }
}
