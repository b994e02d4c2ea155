/**
 * The bytes of one regular file: fixed-size chunks, shared copy-on-write between clones.
 *
 * Layout. Chunk i holds bytes [i * CHUNK, (i + 1) * CHUNK). Chunk 0 starts small and grows by doubling up to
 * CHUNK (a 16-byte file costs a 64-byte buffer, not 64 KiB); every later chunk is allocated at full size when
 * first written, and a chunk never written (a hole) is `null` and reads as zeros. So a growing file never
 * re-copies what it already holds beyond its first chunk: N appends cost O(total bytes), a 64 MiB sequential
 * write copies each byte once, and `truncate` up is free (sparse).
 *
 * Invariant: every allocated byte at or past `size` is zero, so growth (sparse writes, truncate up) needs no fill;
 * shrinking zero-fills what it cuts from a kept chunk and drops whole chunks past the end.
 *
 * Sharing. Each chunk counts the `FileData` objects that point at it (`clone()` shares every chunk and only bumps
 * the counts). The first write to a shared chunk copies that chunk alone; the last sharer writes in place.
 */

/** Per-filesystem counters, also read by tests (reallocation counts prove appends do not re-copy). */
export interface DataCounters {
  /** First chunks replaced because they were too small (growth by doubling). */
  reallocations: number;
  /** Chunks copied because they were shared with a clone (copy-on-write). */
  copiesOnWrite: number;
  /** Sum of the sizes of the chunks this filesystem's files reference (shared ones counted in full). */
  allocatedBytes: number;
}

export function newDataCounters(): DataCounters {
  return { reallocations: 0, copiesOnWrite: 0, allocatedBytes: 0 };
}

class Chunk {
  refs = 1;
  constructor(public bytes: Uint8Array) {}
}

/** Chunk size: large enough that per-chunk overhead vanishes, small enough that copy-on-write stays cheap. */
export const CHUNK = 64 * 1024;
const SHIFT = 16;
/** Smallest first chunk: tiny writes should not reallocate at 1, 2, 4, 8 bytes. */
const MIN_CAPACITY = 64;
/** Below this many bytes a plain loop beats creating a subarray view for `set`. */
const SMALL_COPY = 16;

export class FileData {
  /** Logical file size in bytes. */
  size = 0;
  private chunks: (Chunk | null)[] = [];

  constructor(private readonly counters: DataCounters) {}

  /** A file holding a private copy of `bytes` (its first chunk exactly as long as needed). */
  static of(bytes: Uint8Array, counters: DataCounters): FileData {
    const data = new FileData(counters);
    if (bytes.length === 0) return data;
    if (data.writableChunk(0, Math.min(bytes.length, CHUNK), true) === null) throw new RangeError('cannot allocate file data');
    if (!data.write(0, bytes, 0, bytes.length)) throw new RangeError('cannot allocate file data');
    return data;
  }

  /** Bytes allocated for this file (holes cost nothing). */
  get capacity(): number {
    let n = 0;
    for (const c of this.chunks) if (c !== null) n += c.bytes.length;
    return n;
  }

  /** Whether any chunk is currently shared with another FileData (a clone's). */
  get shared(): boolean {
    for (const c of this.chunks) if (c !== null && c.refs > 1) return true;
    return false;
  }

  /** A FileData of another filesystem sharing every chunk until either side writes it. O(chunks). */
  share(counters: DataCounters): FileData {
    const copy = new FileData(counters);
    copy.size = this.size;
    copy.chunks = this.chunks.slice();
    for (const c of this.chunks) {
      if (c === null) continue;
      c.refs++;
      counters.allocatedBytes += c.bytes.length;
    }
    return copy;
  }

  /** Drops this file's references to its chunks (the file is gone). */
  release(): void {
    this.dropFrom(0);
    this.size = 0;
  }

  /** Copies up to `len` bytes at `position` into `dst[off..]`; returns the count (0 at or past EOF). */
  read(position: number, dst: Uint8Array, off: number, len: number): number {
    if (position >= this.size) return 0;
    const n = Math.min(len, this.size - position);
    let done = 0;
    while (done < n) {
      const p = position + done;
      const ci = p >>> SHIFT;
      const within = p - ci * CHUNK;
      const span = Math.min(n - done, CHUNK - within);
      const chunk = ci < this.chunks.length ? this.chunks[ci] : null;
      const have = chunk === null ? 0 : Math.max(0, Math.min(span, chunk.bytes.length - within));
      if (have > 0) copyBytes((chunk as Chunk).bytes, within, dst, off + done, have);
      if (have < span) dst.fill(0, off + done + have, off + done + span);
      done += span;
    }
    return n;
  }

  /**
   * Copies `src[off..off+len)` to `position`, growing the file (a gap reads as zeros). Returns false, with
   * nothing changed, when the host cannot allocate. The caller has checked limits and quotas.
   */
  write(position: number, src: Uint8Array, off: number, len: number): boolean {
    if (len === 0) {
      if (position > this.size) this.size = position;
      return true;
    }
    const end = position + len;
    // Make every touched chunk private and large enough first, so a failed allocation changes nothing.
    const first = position >>> SHIFT;
    const last = (end - 1) >>> SHIFT;
    for (let ci = first; ci <= last; ci++) {
      const need = ci === last ? end - ci * CHUNK : CHUNK;
      if (this.writableChunk(ci, need, false) === null) return false;
    }
    let done = 0;
    while (done < len) {
      const p = position + done;
      const ci = p >>> SHIFT;
      const within = p - ci * CHUNK;
      const span = Math.min(len - done, CHUNK - within);
      copyBytes(src, off + done, (this.chunks[ci] as Chunk).bytes, within, span);
      done += span;
    }
    if (end > this.size) this.size = end;
    return true;
  }

  /**
   * Sets the size; growth reads as zeros. Within the first chunk the buffer grows to exactly the size (a guest
   * that sets a size usually means it); beyond it, growth is a hole. Returns false, with nothing changed, if an
   * allocation fails.
   */
  resize(size: number): boolean {
    if (size === this.size) return true;
    if (size === 0) {
      this.dropFrom(0); // an emptied file (O_TRUNC) gives its memory back
      this.size = 0;
      return true;
    }
    if (size > this.size) {
      if (this.size < CHUNK && this.writableChunk(0, Math.min(size, CHUNK), true) === null) return false;
      this.size = size;
      return true;
    }
    // Shrink: drop whole chunks past the end, zero the cut tail of the last kept one (copying it if shared).
    const lastKept = (size - 1) >>> SHIFT;
    const cutFrom = size - lastKept * CHUNK;
    const chunk = lastKept < this.chunks.length ? this.chunks[lastKept] : null;
    if (chunk !== null && cutFrom < chunk.bytes.length) {
      const bytes = this.writableChunk(lastKept, 0, true);
      if (bytes === null) return false;
      bytes.fill(0, cutFrom);
    }
    this.dropFrom(lastKept + 1);
    this.size = size;
    return true;
  }

  /** The file's bytes (a view when they sit in one chunk, else a copy; callers must not write to it). */
  view(): Uint8Array {
    const first = this.chunks.length > 0 ? this.chunks[0] : null;
    if (this.size <= CHUNK && first !== null && first.bytes.length >= this.size) return first.bytes.subarray(0, this.size);
    const out = new Uint8Array(this.size);
    this.read(0, out, 0, this.size);
    return out;
  }

  // ---- internals ----

  /**
   * Chunk `ci` private to this file and at least `need` bytes long (the first chunk grows by doubling, or to
   * exactly `need` when `exact`); null if allocation failed.
   */
  private writableChunk(ci: number, need: number, exact: boolean): Uint8Array | null {
    while (this.chunks.length <= ci) this.chunks.push(null);
    const c = this.chunks[ci];
    if (c !== null && c.refs === 1 && c.bytes.length >= need) return c.bytes;
    let size: number;
    if (ci > 0) size = CHUNK;
    else if (c !== null && c.refs > 1) size = Math.max(need, c.bytes.length); // a copy keeps the room it had
    else if (exact) size = Math.max(need, c === null ? 0 : c.bytes.length);
    else size = Math.min(CHUNK, Math.max(need, (c === null ? 0 : c.bytes.length) * 2, MIN_CAPACITY));
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(size);
    } catch {
      return null; // RangeError: beyond what the host can allocate
    }
    if (c !== null) {
      bytes.set(c.bytes.subarray(0, Math.min(c.bytes.length, size)));
      if (c.refs > 1) this.counters.copiesOnWrite++;
      else this.counters.reallocations++;
      c.refs--;
      this.counters.allocatedBytes -= c.bytes.length;
    }
    this.chunks[ci] = new Chunk(bytes);
    this.counters.allocatedBytes += size;
    return bytes;
  }

  /** Drops the chunks from index `from` on. */
  private dropFrom(from: number): void {
    for (let i = from; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (c === null) continue;
      c.refs--;
      this.counters.allocatedBytes -= c.bytes.length;
    }
    if (from < this.chunks.length) this.chunks.length = from;
  }
}

function copyBytes(src: Uint8Array, from: number, dst: Uint8Array, to: number, n: number): void {
  if (n <= SMALL_COPY) {
    for (let i = 0; i < n; i++) dst[to + i] = src[from + i];
  } else {
    dst.set(src.subarray(from, from + n), to);
  }
}
