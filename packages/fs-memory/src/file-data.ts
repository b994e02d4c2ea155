/**
 * The bytes of one regular file: a capacity-doubling buffer, shared copy-on-write between clones.
 *
 * Growth. Writes past the capacity reallocate to at least twice the old capacity, so N small appends cost
 * O(total bytes) in copying (amortised), never O(N * size). `truncate`/`allocate` grow to the exact size asked:
 * a guest that sets a size usually means it, and a 1 GB sparse file should not reserve 2 GB.
 *
 * Invariant: every byte in [size, capacity) is zero. New buffers are zero-filled, copies copy only [0, size),
 * and shrinking zero-fills what it cuts off; so growth (sparse writes, truncate up) needs no fill at all.
 *
 * Sharing. A `Storage` counts the `FileData` objects that point at it (across filesystem instances: `clone()`
 * shares every file's storage and only bumps the count). The first mutation through a `FileData` whose storage
 * is shared copies it first; whoever writes last finds the count back at 1 and writes in place.
 */

/** Per-filesystem counters, also read by tests (reallocation counts prove appends do not re-copy). */
export interface DataCounters {
  /** Buffers replaced because the capacity was too small (growth). */
  reallocations: number;
  /** Buffers copied because the storage was shared with a clone (copy-on-write). */
  copiesOnWrite: number;
  /** Sum of the capacities of the buffers this filesystem's files reference (shared ones included in full). */
  allocatedBytes: number;
}

export function newDataCounters(): DataCounters {
  return { reallocations: 0, copiesOnWrite: 0, allocatedBytes: 0 };
}

class Storage {
  refs = 1;
  constructor(readonly bytes: Uint8Array) {}
}

/** Smallest buffer we allocate for a growing file: tiny writes should not reallocate at 1, 2, 4, 8 bytes. */
const MIN_CAPACITY = 64;
/** Below this many bytes a plain loop beats creating a subarray view for `set`. */
const SMALL_COPY = 16;

export class FileData {
  /** Logical file size in bytes (the buffer may be larger). */
  size = 0;
  private store: Storage | null = null;

  constructor(private readonly counters: DataCounters) {}

  /** A file holding a private copy of `bytes`, with exactly that capacity. */
  static of(bytes: Uint8Array, counters: DataCounters): FileData {
    const data = new FileData(counters);
    if (bytes.length > 0) {
      data.store = new Storage(bytes.slice());
      data.size = bytes.length;
      counters.allocatedBytes += bytes.length;
    }
    return data;
  }

  get capacity(): number {
    return this.store === null ? 0 : this.store.bytes.length;
  }

  /** Whether the buffer is currently shared with another FileData (a clone's). */
  get shared(): boolean {
    return this.store !== null && this.store.refs > 1;
  }

  /** A FileData of another filesystem (counters) sharing this buffer until either side writes. O(1). */
  share(counters: DataCounters): FileData {
    const copy = new FileData(counters);
    copy.size = this.size;
    if (this.store !== null) {
      this.store.refs++;
      copy.store = this.store;
      counters.allocatedBytes += this.store.bytes.length;
    }
    return copy;
  }

  /** Drops this file's reference to its buffer (the file is gone). */
  release(): void {
    this.drop();
    this.size = 0;
  }

  /** Copies up to `len` bytes at `position` into `dst[off..]`; returns the count (0 at or past EOF). */
  read(position: number, dst: Uint8Array, off: number, len: number): number {
    if (position >= this.size) return 0;
    const n = Math.min(len, this.size - position);
    const src = (this.store as Storage).bytes;
    if (n <= SMALL_COPY) {
      for (let i = 0; i < n; i++) dst[off + i] = src[position + i];
    } else {
      dst.set(src.subarray(position, position + n), off);
    }
    return n;
  }

  /**
   * Copies `src[off..off+len)` to `position`, growing the file (the gap reads as zeros). Returns false, with
   * nothing changed, when the host cannot allocate the buffer. The caller has checked limits and quotas.
   */
  write(position: number, src: Uint8Array, off: number, len: number): boolean {
    const end = position + len;
    const dst = this.writable(end, false);
    if (dst === null) return false;
    if (len <= SMALL_COPY) {
      for (let i = 0; i < len; i++) dst[position + i] = src[off + i];
    } else {
      dst.set(src.subarray(off, off + len), position);
    }
    if (end > this.size) this.size = end;
    return true;
  }

  /** Sets the size; growth reads as zeros. Returns false, with nothing changed, if allocation fails. */
  resize(size: number): boolean {
    if (size === this.size) return true;
    if (size === 0) {
      this.drop(); // an emptied file (O_TRUNC) gives its memory back
      this.size = 0;
      return true;
    }
    if (size > this.size) {
      if (this.writable(size, true) === null) return false;
    } else if (this.shared) {
      if (this.copy(size, size) === null) return false;
    } else {
      (this.store as Storage).bytes.fill(0, size, this.size);
    }
    this.size = size;
    return true;
  }

  /** The file's bytes as a view (valid until the next mutation; callers must not write to it). */
  view(): Uint8Array {
    return this.store === null ? new Uint8Array(0) : this.store.bytes.subarray(0, this.size);
  }

  // ---- internals ----

  /** A private buffer of at least `end` bytes holding the current contents, or null if allocation failed. */
  private writable(end: number, exact: boolean): Uint8Array | null {
    const s = this.store;
    if (s !== null && s.refs === 1 && s.bytes.length >= end) return s.bytes;
    const old = s === null ? 0 : s.bytes.length;
    let capacity = end;
    if (!exact && (s === null || s.refs === 1)) capacity = Math.max(end, old * 2, MIN_CAPACITY);
    else if (s !== null && s.refs > 1) capacity = Math.max(end, old); // a copy keeps the room the original had
    return this.copy(capacity, this.size);
  }

  /** Replaces the storage by a fresh private buffer of `capacity` holding the first `keep` bytes. */
  private copy(capacity: number, keep: number): Uint8Array | null {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(capacity);
    } catch {
      return null; // RangeError: beyond what the host can allocate
    }
    const s = this.store;
    if (s !== null) {
      bytes.set(s.bytes.subarray(0, Math.min(keep, this.size)));
      if (s.refs > 1) this.counters.copiesOnWrite++;
      else this.counters.reallocations++;
      this.drop();
    }
    this.store = new Storage(bytes);
    this.counters.allocatedBytes += capacity;
    return bytes;
  }

  private drop(): void {
    const s = this.store;
    if (s === null) return;
    s.refs--;
    this.counters.allocatedBytes -= s.bytes.length;
    this.store = null;
  }
}
