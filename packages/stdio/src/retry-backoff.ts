const FIRST_WAIT_MS = 1;
const MAX_WAIT_MS = 10;

/**
 * The cell every backoff sleeps on, made at the first wait (nothing is allocated at module load or per stream: a
 * SharedArrayBuffer per stream cost ~1 KiB per live sandbox). It is never written and nobody notifies it, so
 * sharing it shares no state: `Atomics.wait` on it is a plain timed sleep.
 */
let sleepCell: Int32Array | undefined;

/**
 * Waits out EAGAIN on a host fd that Node made non-blocking, for a guest that expects a blocking call:
 * `Atomics.wait` on a cell nobody notifies (a real sleep, no spinning), 1 ms at first and doubling up to
 * 10 ms, so a fast pipe costs little latency and a long wait little CPU.
 */
export class RetryBackoff {
  private nextMs = FIRST_WAIT_MS;

  reset(): void {
    this.nextMs = FIRST_WAIT_MS;
  }

  wait(): void {
    Atomics.wait((sleepCell ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, this.nextMs);
    this.nextMs = Math.min(this.nextMs * 2, MAX_WAIT_MS);
  }
}
