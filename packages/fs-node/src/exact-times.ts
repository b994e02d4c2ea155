import type { FileStat } from '@vos/core';

/** Inodes whose exact times are remembered at once, per filesystem (oldest forgotten first). */
export const MAX_EXACT_TIMES = 4096;

interface Remembered {
  /** The time the guest set (or kept), exact to the ns; null once forgotten. */
  atim: bigint | null;
  /** What the host stored for it (µs-truncated): `atim` is reported only while the host still says this. */
  atimHost: bigint;
  mtim: bigint | null;
  mtimHost: bigint;
}

/**
 * The pure-JavaScript path's answer to nanosecond timestamps. Node sets times only as double seconds, which
 * libuv truncates to µs, and it cannot leave one time untouched (no UTIME_OMIT): so after each set we remember,
 * per inode (dev, ino), the exact value the guest asked for next to the value the host actually stored, and a
 * stat reports the exact value only while the host still holds exactly that stored value. Anything that changes
 * the time on the host (a write, a read that updates atime, another process's utimes) makes the host value differ
 * and the memory is dropped: the host's own time is reported from then on.
 *
 * Limits (docs/decisions.md): the exact values live in this filesystem object only, so another process, or a
 * later run, sees the µs-truncated times; an inode freed and reused with exactly the remembered stored value
 * would inherit the exact time (the host would have to store the same µs value). At most `MAX_EXACT_TIMES`
 * inodes are remembered (a guest-controlled count needs a budget); beyond that the oldest fall back to µs.
 */
export class ExactTimes {
  private readonly byInode = new Map<string, Remembered>();

  constructor(private readonly max = MAX_EXACT_TIMES) {}

  /**
   * After a host utimes: `exactA`/`exactM` are the times the guest now expects (set, or kept from before), and
   * `host` the inode's stat read back right after the host call.
   */
  remember(host: FileStat, exactA: bigint, exactM: bigint): void {
    const key = inodeKey(host);
    this.byInode.delete(key); // re-inserted last: the most recently set is forgotten last
    if (exactA === host.atim && exactM === host.mtim) return; // the host holds them exactly
    if (this.byInode.size >= this.max) this.byInode.delete(this.byInode.keys().next().value as string);
    this.byInode.set(key, {
      atim: exactA === host.atim ? null : exactA,
      atimHost: host.atim,
      mtim: exactM === host.mtim ? null : exactM,
      mtimHost: host.mtim,
    });
  }

  /** Replaces the host's truncated times in `out` by the exact ones, for as long as the host still holds them. */
  apply(out: FileStat): void {
    if (this.byInode.size === 0) return;
    const key = inodeKey(out);
    const r = this.byInode.get(key);
    if (r === undefined) return;
    if (r.atim !== null) {
      if (out.atim === r.atimHost) out.atim = r.atim;
      else r.atim = null;
    }
    if (r.mtim !== null) {
      if (out.mtim === r.mtimHost) out.mtim = r.mtim;
      else r.mtim = null;
    }
    if (r.atim === null && r.mtim === null) this.byInode.delete(key);
  }

  get size(): number {
    return this.byInode.size;
  }
}

function inodeKey(st: FileStat): string {
  return `${st.dev}:${st.ino}`;
}
