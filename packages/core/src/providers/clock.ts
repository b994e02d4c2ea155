import type { Clockid } from '../abi/constants';

/**
 * The one source of time for a guest: clock reads, `poll_oneoff` deadlines and the NOW flags of set-times all
 * come from here, so a fake clock drives everything the guest can observe.
 */
export interface Clock {
  /** Current time of `id` in ns. The core only passes ids for which `resolution` returned a value > 0n. */
  now(id: Clockid): bigint;
  /** Resolution of `id` in ns, or 0n if this clock does not support `id` (the guest gets EINVAL). */
  resolution(id: Clockid): bigint;
  /**
   * Blocks until the monotonic clock reaches `deadline` (ns). A real clock sleeps without spinning
   * (e.g. `Atomics.wait`); a fake clock advances itself to the deadline at once.
   */
  sleepUntil(deadline: bigint): void;
}
