import {
  DECLINED, Errno, Filetype, OpenFlags,
  type Clock, type Clockid, type DirEntry, type FileStat, type FileSystem, type FsCapabilities, type FsHandle,
  type RandomSource, type Ref, type Stream,
} from '@vos/core';
import type { ChannelClient } from './client';
import type { RootHandle } from '../protocol';
import { ARG, F64, I64, I64_ATIM, I64_MTIM, Op, streamCloseId, TIME_ATIM, TIME_MTIM } from './layout';

/** A handle on the serving side, as the client holds it: its id, its type, and what it read ahead. */
export class ProxyHandle {
  /** Bytes at file positions [cachePos, cachePos + cache.length) as of client generation `cacheGen`. */
  cache: Uint8Array | null = null;
  cachePos = 0;
  cacheGen = -1;
  /** The fetch that filled `cache` came back short: the file ended at `cachePos + cache.length` then. */
  cacheEof = false;
  /** The next read at that end may be answered here (once per fetch that found it; see `ChannelFileSystem`). */
  eofAnswer = false;
  /**
   * `root`: the handle is a filesystem's root (from `openRoot`), the sandbox's own boundary, which the host
   * cannot move out of the sandbox: it needs no `revalidate` round-trip.
   */
  constructor(readonly id: number, readonly filetype: Filetype, readonly root = false) {}
}

/** Bytes read per call when a read is smaller: a whole small file in one round-trip. */
export const READ_AHEAD_BYTES = 64 * 1024;

/** Most iovecs a vectored call is given (the core's IOV_MAX). */
const MAX_IOVS = 1024;

/**
 * Copies `n` bytes of `src` from `srcOff` into the buffers `list` names in `mem` (pairs of offset, length),
 * starting `skip` bytes into them.
 */
function scatter(mem: Uint8Array, list: Uint32Array, count: number, skip: number, src: Uint8Array, srcOff: number, n: number): void {
  for (let i = 0; i < count && n > 0; i++) {
    const len = list[2 * i + 1];
    if (skip >= len) {
      skip -= len;
      continue;
    }
    const k = Math.min(len - skip, n);
    mem.set(src.subarray(srcOff, srcOff + k), list[2 * i] + skip);
    srcOff += k;
    n -= k;
    skip = 0;
  }
}

function readStat(client: ChannelClient, out: FileStat): void {
  const i64 = client.views.i64;
  out.dev = i64[I64];
  out.ino = i64[I64 + 1];
  out.filetype = Number(i64[I64 + 2]) as Filetype;
  out.nlink = i64[I64 + 3];
  out.size = i64[I64 + 4];
  out.atim = i64[I64 + 5];
  out.mtim = i64[I64 + 6];
  out.ctim = i64[I64 + 7];
}

/** Reads a long response (slot 1 = total length) into one buffer, fetching chunks with `Op.MORE`. */
function readLong(client: ChannelClient): Uint8Array {
  const i32 = client.i32;
  const total = i32[ARG + 1];
  const data = client.data;
  if (total <= data.length) return data.slice(0, total);
  const out = new Uint8Array(total);
  out.set(data.subarray(0, data.length));
  let at = data.length;
  while (at < total) {
    client.views.f64[F64] = at;
    if (client.call(Op.MORE) !== 0) break;
    const n = i32[ARG + 1];
    if (n <= 0) break;
    out.set(data.subarray(0, n), at);
    at += n;
  }
  return out;
}

const decoder = new TextDecoder();

/** The little-endian u32 at `at` in `mem`. */
function u32(mem: Uint8Array, at: number): number {
  return (mem[at] | (mem[at + 1] << 8) | (mem[at + 2] << 16) | (mem[at + 3] << 24)) >>> 0;
}

/**
 * A `FileSystem` whose backend lives on the other side of the channel: the core (walker, fd table) runs here,
 * next to the guest, and every call that needs the backend is one round-trip. Round-trips are kept low:
 * - `openPath`/`openPathCreating`/`openDirPath` are always offered: the serving side walks the whole plain path
 *   in one call (with the backend's own fast path, or `openAt` step by step, which vouches for "no symlink
 *   crossed" and, never following a link, refuses one before it creates or truncates anything);
 * - closing a handle costs nothing: it rides along with the next call;
 * - reads fetch at least 64 KiB, and later reads of those bytes (and the end of the file, once) are served
 *   here, until anything is written through this channel (any mutation makes every read-ahead stale);
 * - `readv`/`writev` move a whole iovec array in one call;
 * - the root the serving side opened before the run is the first `openRoot`'s answer, and a root is never
 *   revalidated (it is the sandbox's boundary).
 */
export class ChannelFileSystem implements FileSystem {
  private readonly client: ChannelClient;
  /** The root the serving side opened before the run (`ChannelServer.openRoots`), for the first `openRoot`. */
  private preopenedRoot: RootHandle | null;
  /** A plain read as a one-buffer list. */
  private readonly one = new Uint32Array(2);
  /** A vectored read's iovec array, copied. */
  private readonly list = new Uint32Array(2 * MAX_IOVS);

  constructor(
    client: ChannelClient,
    private readonly fsId: number,
    readonly capabilities: FsCapabilities,
    hasRevalidate: boolean,
    root?: RootHandle | null,
  ) {
    this.client = client;
    this.preopenedRoot = root ?? null;
    if (!hasRevalidate) this.revalidate = undefined;
  }

  private name(s: string, at = 0): number {
    const n = this.client.putString(s, at);
    return n < 0 ? -1 : n;
  }

  private openResult(errno: number, out: Ref<FsHandle | null>, root = false): number {
    if (errno !== Errno.SUCCESS) return errno;
    const i32 = this.client.i32;
    out.value = new ProxyHandle(i32[ARG + 1], i32[ARG + 2] as Filetype, root);
    return Errno.SUCCESS;
  }

  private nameCall(op: number, dir: FsHandle, name: string): number {
    const n = this.name(name);
    if (n < 0) return Errno.NAMETOOLONG;
    const i32 = this.client.i32;
    i32[ARG] = (dir as ProxyHandle).id;
    i32[ARG + 1] = n;
    return this.client.call(op);
  }

  private mutated(): void {
    this.client.generation++;
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    const pre = this.preopenedRoot;
    if (pre !== null) {
      // Opened by the serving side before the run: the run's first call is not this one.
      this.preopenedRoot = null;
      out.value = new ProxyHandle(pre.id, pre.filetype, true);
      return Errno.SUCCESS;
    }
    this.client.i32[ARG] = this.fsId;
    return this.openResult(this.client.call(Op.OPEN_ROOT), out, true) as Errno;
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const e = this.nameCall(Op.STAT_AT, dir, name);
    if (e === Errno.SUCCESS) readStat(this.client, out);
    return e as Errno;
  }

  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    if (flags & (OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNC)) this.mutated();
    const n = this.name(name);
    if (n < 0) return Errno.NAMETOOLONG;
    const i32 = this.client.i32;
    i32[ARG] = (dir as ProxyHandle).id;
    i32[ARG + 1] = n;
    i32[ARG + 2] = flags;
    return this.openResult(this.client.call(Op.OPEN_AT), out) as Errno;
  }

  openDirPath(dir: FsHandle, names: readonly string[], count: number, out: Ref<FsHandle | null>): number {
    const n = this.name(count === names.length ? names.join('/') : names.slice(0, count).join('/'));
    if (n < 0) return DECLINED;
    const i32 = this.client.i32;
    i32[ARG] = (dir as ProxyHandle).id;
    i32[ARG + 1] = n;
    const e = this.openResult(this.client.call(Op.OPEN_DIR_PATH), out);
    return e === Errno.SUCCESS ? e : DECLINED;
  }

  openPath(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number {
    if (flags & (OpenFlags.WRITE | OpenFlags.CREATE | OpenFlags.TRUNC)) this.mutated();
    const n = this.name(path);
    if (n < 0) return DECLINED;
    const i32 = this.client.i32;
    i32[ARG] = (dir as ProxyHandle).id;
    i32[ARG + 1] = n;
    i32[ARG + 2] = flags;
    const e = this.openResult(this.client.call(Op.OPEN_PATH), out);
    return e === Errno.SUCCESS ? e : DECLINED;
  }
  /**
   * The same call as `openPath`: the serving side uses its backend's `openPathCreating` or walks the names with the
   * backend's own `openAt` (which never follows a link), so every layer it serves sees the create or truncate, and
   * a link or an escape is refused before anything is made, as the contract asks.
   */
  openPathCreating(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number {
    return this.openPath(dir, path, flags, out);
  }


  /**
   * A root needs no re-check (no round-trip): it is the sandbox's boundary itself, and moving it moves the
   * sandbox with it; the core never asks about a handle it closed. Any other directory is re-checked by the
   * backend on the serving side.
   */
  revalidate?(dir: FsHandle): Errno {
    if ((dir as ProxyHandle).root) return Errno.SUCCESS;
    this.client.i32[ARG] = (dir as ProxyHandle).id;
    return this.client.call(Op.REVALIDATE) as Errno;
  }

  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const e = this.nameCall(Op.READLINK_AT, dir, name);
    if (e === Errno.SUCCESS) out.value = decoder.decode(readLong(this.client));
    return e as Errno;
  }

  mkdirAt(dir: FsHandle, name: string): Errno {
    this.mutated();
    return this.nameCall(Op.MKDIR_AT, dir, name) as Errno;
  }

  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    this.mutated();
    const t = this.name(target);
    if (t < 0) return Errno.NAMETOOLONG;
    const n = this.name(name, t);
    if (n < 0) return Errno.NAMETOOLONG;
    const i32 = this.client.i32;
    i32[ARG] = (dir as ProxyHandle).id;
    i32[ARG + 1] = t;
    i32[ARG + 2] = n;
    return this.client.call(Op.SYMLINK_AT) as Errno;
  }

  unlinkAt(dir: FsHandle, name: string): Errno {
    this.mutated();
    return this.nameCall(Op.UNLINK_AT, dir, name) as Errno;
  }

  rmdirAt(dir: FsHandle, name: string): Errno {
    this.mutated();
    return this.nameCall(Op.RMDIR_AT, dir, name) as Errno;
  }

  private twoNames(op: number, oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    this.mutated();
    const l1 = this.name(oldName);
    if (l1 < 0) return Errno.NAMETOOLONG;
    const l2 = this.name(newName, l1);
    if (l2 < 0) return Errno.NAMETOOLONG;
    const i32 = this.client.i32;
    i32[ARG] = (oldDir as ProxyHandle).id;
    i32[ARG + 1] = (newDir as ProxyHandle).id;
    i32[ARG + 2] = l1;
    i32[ARG + 3] = l2;
    return this.client.call(op) as Errno;
  }

  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.twoNames(Op.RENAME_AT, oldDir, oldName, newDir, newName);
  }

  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.twoNames(Op.LINK_AT, oldDir, oldName, newDir, newName);
  }

  private times(atim: bigint | null, mtim: bigint | null): number {
    const i64 = this.client.views.i64;
    let which = 0;
    if (atim !== null) {
      i64[I64_ATIM] = atim;
      which |= TIME_ATIM;
    }
    if (mtim !== null) {
      i64[I64_MTIM] = mtim;
      which |= TIME_MTIM;
    }
    return which;
  }

  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    const n = this.name(name);
    if (n < 0) return Errno.NAMETOOLONG;
    const i32 = this.client.i32;
    i32[ARG] = (dir as ProxyHandle).id;
    i32[ARG + 1] = n;
    i32[ARG + 2] = this.times(atim, mtim);
    return this.client.call(Op.SET_TIMES_AT) as Errno;
  }

  typeOf(h: FsHandle): Filetype {
    return (h as ProxyHandle).filetype;
  }

  close(h: FsHandle): void {
    const p = h as ProxyHandle;
    p.cache = null;
    this.client.deferClose(p.id);
  }

  stat(h: FsHandle, out: FileStat): Errno {
    this.client.i32[ARG] = (h as ProxyHandle).id;
    const e = this.client.call(Op.STAT);
    if (e === Errno.SUCCESS) readStat(this.client, out);
    return e as Errno;
  }

  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    if (len === 0) return 0;
    const one = this.one;
    one[0] = off;
    one[1] = len;
    return this.readList(h as ProxyHandle, position, buf, one, 1, len);
  }

  /** One round-trip for the whole iovec array (or none, from what was read ahead), as preadv. */
  readv(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
    // The array is copied before any byte moves (a read into the array itself changes nothing), as readv does.
    const list = this.list;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const at = iovs + 8 * i;
      list[2 * i] = u32(mem, at);
      const len = u32(mem, at + 4);
      list[2 * i + 1] = len;
      total += len;
    }
    return this.readList(h as ProxyHandle, position, mem, list, count, total);
  }

  /**
   * Reads `total` bytes at `position` into the buffers of `list`. What the handle read ahead answers first; the
   * rest is fetched, at least `READ_AHEAD_BYTES` at a time, until `total` is read or the file ends (a read is
   * short only at the end of the file, as on the host thread; a read longer than the payload takes several
   * round-trips). The end of the file, once a fetch found it, answers the next read there too, once: the
   * usual "read until 0" costs no round-trip of its own, and a guest that polls a file the host appends to still
   * reaches the host on every other read.
   */
  private readList(p: ProxyHandle, position: number, mem: Uint8Array, list: Uint32Array, count: number, total: number): number {
    const client = this.client;
    const data = client.data;
    if (p.filetype !== Filetype.REGULAR_FILE) {
      // A device or a pipe: exactly what was asked (bytes read past it would be lost), one call, no cache.
      const want = Math.min(total, data.length);
      client.i32[ARG] = p.id;
      client.i32[ARG + 1] = want;
      client.views.f64[F64] = position;
      const got = client.call(Op.READ);
      if (got > 0) scatter(mem, list, count, 0, data, 0, got);
      return got;
    }
    let done = 0;
    const cache = p.cache;
    if (cache !== null && p.cacheGen === client.generation && position >= p.cachePos && position <= p.cachePos + cache.length) {
      const from = position - p.cachePos;
      const n = Math.min(total, cache.length - from);
      if (n > 0) {
        scatter(mem, list, count, 0, cache, from, n);
        done = n;
        if (done === total) return done;
      }
      if (p.cacheEof) {
        if (done > 0) return done;
        if (p.eofAnswer) {
          p.eofAnswer = false;
          return 0;
        }
      }
    }
    const i32 = client.i32;
    while (done < total) {
      const at = position + done;
      const want = Math.min(Math.max(total - done, READ_AHEAD_BYTES), data.length);
      i32[ARG] = p.id;
      i32[ARG + 1] = want;
      client.views.f64[F64] = at;
      const got = client.call(Op.READ);
      if (got < 0) return done > 0 ? done : got;
      const n = Math.min(got, total - done);
      if (n > 0) scatter(mem, list, count, done, data, 0, n);
      done += n;
      const eof = got < want;
      const old = p.cache;
      if (got === 0 && old !== null && p.cacheGen === client.generation && p.cachePos + old.length === at) {
        // Nothing more at the end of what is cached: keep it (a seek back re-reads it), and now it ends the file.
      } else if (got <= READ_AHEAD_BYTES) {
        // A small fetch is kept whole, what the guest just read included: re-reading it after a seek is free.
        p.cache = data.slice(0, got);
        p.cachePos = at;
      } else {
        p.cache = data.slice(n, got);
        p.cachePos = at + n;
      }
      p.cacheGen = client.generation;
      p.cacheEof = eof;
      p.eofAnswer = eof;
      if (eof) break;
    }
    return done;
  }

  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    this.mutated();
    const p = h as ProxyHandle;
    const client = this.client;
    const data = client.data;
    const i32 = client.i32;
    let done = 0;
    // A write larger than the payload goes in chunks; a short or failed chunk ends it (POSIX partial write).
    while (done < len || len === 0) {
      const n = Math.min(len - done, data.length);
      data.set(buf.subarray(off + done, off + done + n));
      i32[ARG] = p.id;
      i32[ARG + 1] = n;
      client.views.f64[F64] = position === -1 ? -1 : position + done;
      const r = client.call(Op.WRITE);
      if (r < 0) return done > 0 ? done : r;
      done += r;
      if (r < n || len === 0) break;
    }
    return done;
  }

  /**
   * One round-trip for the whole iovec array (gathered into the payload; in payload-sized pieces when it is
   * larger), as pwritev; a short or failed piece ends it, as `write`.
   */
  writev(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
    this.mutated();
    const client = this.client;
    const data = client.data;
    let done = 0;
    let fill = 0;
    for (let i = 0; i < count; i++) {
      let buf = u32(mem, iovs + 8 * i);
      let len = u32(mem, iovs + 8 * i + 4);
      while (len > 0) {
        const k = Math.min(len, data.length - fill);
        data.set(mem.subarray(buf, buf + k), fill);
        fill += k;
        buf += k;
        len -= k;
        if (fill === data.length) {
          const r = this.writePayload(h as ProxyHandle, fill, position === -1 ? -1 : position + done);
          if (r < 0) return done > 0 ? done : r;
          done += r;
          if (r < fill) return done;
          fill = 0;
        }
      }
    }
    if (fill > 0) {
      const r = this.writePayload(h as ProxyHandle, fill, position === -1 ? -1 : position + done);
      if (r < 0) return done > 0 ? done : r;
      done += r;
    }
    return done;
  }

  /** Writes the first `n` payload bytes at `position` (-1: append). */
  private writePayload(p: ProxyHandle, n: number, position: number): number {
    const client = this.client;
    client.i32[ARG] = p.id;
    client.i32[ARG + 1] = n;
    client.views.f64[F64] = position;
    return client.call(Op.WRITE);
  }

  truncate(h: FsHandle, size: number): Errno {
    this.mutated();
    this.client.i32[ARG] = (h as ProxyHandle).id;
    this.client.views.f64[F64] = size;
    return this.client.call(Op.TRUNCATE) as Errno;
  }

  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    const i32 = this.client.i32;
    i32[ARG] = (h as ProxyHandle).id;
    i32[ARG + 1] = this.times(atim, mtim);
    return this.client.call(Op.SET_TIMES) as Errno;
  }

  sync(h: FsHandle, dataOnly: boolean): Errno {
    const i32 = this.client.i32;
    i32[ARG] = (h as ProxyHandle).id;
    i32[ARG + 1] = dataOnly ? 1 : 0;
    return this.client.call(Op.SYNC) as Errno;
  }

  allocate(h: FsHandle, offset: number, len: number): Errno {
    this.mutated();
    this.client.i32[ARG] = (h as ProxyHandle).id;
    this.client.views.f64[F64] = offset;
    this.client.views.f64[F64 + 1] = len;
    return this.client.call(Op.ALLOCATE) as Errno;
  }

  readdir(h: FsHandle, out: DirEntry[]): Errno {
    out.length = 0;
    this.client.i32[ARG] = (h as ProxyHandle).id;
    const e = this.client.call(Op.READDIR);
    if (e !== Errno.SUCCESS) return e as Errno;
    const bytes = readLong(this.client);
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = 0;
    while (at + 13 <= bytes.length) {
      const ino = dv.getBigUint64(at, true);
      const filetype = bytes[at + 8] as Filetype;
      const len = dv.getUint32(at + 9, true);
      out.push({ name: decoder.decode(bytes.subarray(at + 13, at + 13 + len)), ino, filetype });
      at += 13 + len;
    }
    return Errno.SUCCESS;
  }
}

/** A stream served from the other side (stdio the host composed: a collector, a callback, an async source). */
export class ChannelStream implements Stream {
  readable?: () => number;
  waitReadable?: (timeoutNs: bigint) => number;

  constructor(
    private readonly client: ChannelClient,
    private readonly id: number,
    readonly filetype: Filetype,
    hasReadable: boolean,
    hasWaitReadable: boolean,
    /** Its writes cannot fail (the host said so): they go through the post box, with no round-trip. */
    private readonly posted = false,
  ) {
    if (hasReadable) {
      this.readable = (): number => {
        this.client.i32[ARG] = this.id;
        return this.client.call(Op.STREAM_READABLE);
      };
    }
    if (hasWaitReadable) {
      this.waitReadable = (timeoutNs: bigint): number => {
        this.client.i32[ARG] = this.id;
        this.client.views.i64[I64] = timeoutNs;
        return this.client.call(Op.STREAM_WAIT_READABLE);
      };
    }
  }

  read(buf: Uint8Array, off: number, len: number): number {
    const client = this.client;
    const n = Math.min(len, client.data.length);
    client.i32[ARG] = this.id;
    client.i32[ARG + 1] = n;
    const got = client.call(Op.STREAM_READ);
    if (got > 0) buf.set(client.data.subarray(0, got), off);
    return got;
  }

  write(buf: Uint8Array, off: number, len: number): number {
    const client = this.client;
    if (this.posted && len > 0 && client.post(this.id, buf, off, len)) return len;
    const data = client.data;
    let done = 0;
    while (done < len || len === 0) {
      const n = Math.min(len - done, data.length);
      data.set(buf.subarray(off + done, off + done + n));
      client.i32[ARG] = this.id;
      client.i32[ARG + 1] = n;
      const r = client.call(Op.STREAM_WRITE);
      if (r < 0) return done > 0 ? done : r;
      done += r;
      if (r < n || len === 0) break;
    }
    return done;
  }

  stat(out: FileStat): Errno {
    this.client.i32[ARG] = this.id;
    const e = this.client.call(Op.STREAM_STAT);
    if (e === Errno.SUCCESS) readStat(this.client, out);
    return e as Errno;
  }

  /**
   * Rides along with the next call (or the run's last one), as a handle's close does: at the end of a run the
   * core closes fd 0, 1 and 2, and three round-trips for that were most of a short guest's calls.
   */
  close(): void {
    this.client.deferClose(streamCloseId(this.id));
  }
}

/** The host's clock through the channel (a fake clock, or any clock that is not the system's). */
export class ChannelClock implements Clock {
  constructor(private readonly client: ChannelClient, private readonly resolutions: readonly bigint[]) {}

  now(id: Clockid): bigint {
    this.client.i32[ARG] = id;
    this.client.call(Op.CLOCK_NOW);
    return this.client.views.i64[I64];
  }

  resolution(id: Clockid): bigint {
    return this.resolutions[id] ?? 0n;
  }

  sleepUntil(deadline: bigint): void {
    this.client.views.i64[I64] = deadline;
    this.client.call(Op.CLOCK_SLEEP);
  }
}

/** The host's random source through the channel (a seeded one: its sequence stays the host's). */
export class ChannelRandom implements RandomSource {
  constructor(private readonly client: ChannelClient) {}

  fill(buf: Uint8Array, off: number, len: number): void {
    const client = this.client;
    const data = client.data;
    let done = 0;
    while (done < len) {
      const n = Math.min(len - done, data.length);
      client.i32[ARG + 1] = n;
      client.call(Op.RANDOM_FILL);
      buf.set(data.subarray(0, n), off + done);
      done += n;
    }
  }
}

/** Calls the serving side's `control` hook (tests and tools): a name and an argument in, a string out. */
export function channelControl(client: ChannelClient, name: string, arg: string): string {
  const n = client.putString(name, 0);
  const a = n < 0 ? -1 : client.putString(arg, n);
  if (a < 0) throw new RangeError('vos: control request larger than the channel payload');
  client.i32[ARG + 1] = n;
  client.i32[ARG + 2] = a;
  const e = client.call(Op.CONTROL);
  if (e !== 0) throw new Error(`vos: control ${JSON.stringify(name)} failed (errno ${e})`);
  return decoder.decode(readLong(client));
}
