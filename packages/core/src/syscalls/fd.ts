import { Errno } from '../abi/errno';
import { Fdflags, Filetype, RIGHTS_MUTATING, Rights, rightsToWire, Whence } from '../abi/constants';
import { PREVIEW1_LAYOUT } from '../abi/layouts';
import type { SyscallContext } from '../context';
import { FdKind, type DirectoryFd, type FdEntry, type FileFd, type NonDirectoryFd } from '../fdtable';
import { utf8Encoder, utf8Length, writeUtf8 } from '../memory';
import { IOV_MAX, readByParts, writeByParts, type DirEntry } from '../providers/fs';
import type { Stream } from '../providers/stdio';
import { joinNsPath, type Namespace } from '../namespace';
import { filetypeOfEntry, MAX_OFFSET_BIG, resolveTimes, writeFilestat } from './common';

/** The iovec layout (the same in both ABIs), as constants the compiler can fold into the I/O loops. */
const I = PREVIEW1_LAYOUT.iovec;

/** A file's cursor, resolving "at the end" (-1, left by an append) with fstat. */
function cursor(ctx: SyscallContext, entry: FileFd): number {
  if (entry.position >= 0) return entry.position;
  const errno = entry.fs.stat(entry.handle, ctx.stat);
  entry.position = errno === Errno.SUCCESS ? Number(ctx.stat.size) : 0;
  return entry.position;
}

/**
 * Reads into the iovecs from a file at `pos`; returns bytes or -errno. One iovec (libc's `read`: nearly every
 * call) is one `read` straight into guest memory; several are one host call with the backend's `readv` (preadv),
 * else one `read` per iovec, stopping at the first short read. The adapter has checked every buffer
 * (`checkIovecs`), and `iovTotal` is the single buffer's length when count is 1.
 *
 * One iovec goes to `read` here, not through `readv`, for speed (one iovec through readv is read): it keeps the
 * path from the guest to the kernel small enough for V8 to inline whole into the adapter's optimised function;
 * through `readv` the backend's functions stayed separate calls, still baseline code in the third run of a process
 * (docs/decisions.md, "The file I/O path is sized for V8's inlining budget").
 */
function readFile(ctx: SyscallContext, entry: FileFd, iovs: number, count: number, pos: number): number {
  const total = ctx.iovTotal;
  if (total === 0) return 0; // nothing to transfer: no host call on either path
  const { fs, handle } = entry;
  const u8 = ctx.mem.u8;
  if (count === 1) return fs.read(handle, u8, ctx.mem.view.getUint32(iovs + I.buf, true), total, pos);
  return fs.readv !== undefined && count <= IOV_MAX
    ? fs.readv(handle, u8, iovs, count, pos)
    : readByParts(fs, handle, u8, iovs, count, pos);
}

/** Writes the iovecs to a file at `pos` (-1 = append), as `readFile` reads; returns bytes or -errno. */
function writeFile(ctx: SyscallContext, entry: FileFd, iovs: number, count: number, pos: number): number {
  const total = ctx.iovTotal;
  if (total === 0) return 0;
  const { fs, handle } = entry;
  const u8 = ctx.mem.u8;
  if (count === 1) return fs.write(handle, u8, ctx.mem.view.getUint32(iovs + I.buf, true), total, pos);
  return fs.writev !== undefined && count <= IOV_MAX
    ? fs.writev(handle, u8, iovs, count, pos)
    : writeByParts(fs, handle, u8, iovs, count, pos);
}

/**
 * Streams get one host call per syscall, as readv/writev would: a single non-empty iovec goes straight between
 * guest memory and the stream; several are gathered/scattered through the context's scratch buffer.
 */
function streamIo(ctx: SyscallContext, stream: Stream, iovs: number, count: number, write: boolean): number {
  const total = ctx.iovTotal;
  const { u8, view } = ctx.mem;
  let single = -1;
  let nonEmpty = 0;
  for (let i = 0; i < count; i++) {
    if (view.getUint32(iovs + i * I.size + I.len, true) !== 0) {
      nonEmpty++;
      single = iovs + i * I.size;
    }
  }
  if (nonEmpty === 0) return 0;
  if (nonEmpty === 1) {
    const buf = view.getUint32(single + I.buf, true);
    const len = view.getUint32(single + I.len, true);
    return write ? stream.write(u8, buf, len) : stream.read(u8, buf, len);
  }
  // Sized to the first gather and doubled from there, with no 4 KiB floor: a guest's first write is usually
  // small (musl's puts gathers the buffered line and the new text), and a small array stays on V8's heap, where
  // 4 KiB is an off-heap allocation of about 4.5 µs per instance in Chromium (0.5 on Node).
  if (ctx.scratch.length < total) ctx.scratch = new Uint8Array(Math.max(total, ctx.scratch.length * 2));
  const scratch = ctx.scratch;
  if (write) {
    let at = 0;
    for (let i = 0; i < count; i++) {
      const buf = view.getUint32(iovs + i * I.size + I.buf, true);
      const len = view.getUint32(iovs + i * I.size + I.len, true);
      scratch.set(u8.subarray(buf, buf + len), at);
      at += len;
    }
    return stream.write(scratch, 0, total);
  }
  const n = stream.read(scratch, 0, total);
  if (n <= 0) return n;
  let at = 0;
  for (let i = 0; i < count && at < n; i++) {
    const buf = view.getUint32(iovs + i * I.size + I.buf, true);
    const len = Math.min(view.getUint32(iovs + i * I.size + I.len, true), n - at);
    u8.set(scratch.subarray(at, at + len), buf);
    at += len;
  }
  return n;
}

/** Stores a byte count for the guest, or returns the negated errno the transfer gave. */
function finishIo(ctx: SyscallContext, out: number, n: number): Errno {
  if (n < 0) return -n as Errno;
  ctx.mem.view.setUint32(out, n, true);
  return Errno.SUCCESS;
}

export function fd_read(ctx: SyscallContext, entry: NonDirectoryFd, iovs: number, count: number, out: number): Errno {
  let n: number;
  if (entry.kind === FdKind.File) {
    const pos = cursor(ctx, entry);
    n = readFile(ctx, entry, iovs, count, pos);
    if (n > 0) entry.position = pos + n;
  } else n = streamIo(ctx, entry.stream, iovs, count, false);
  return finishIo(ctx, out, n);
}

export function fd_write(ctx: SyscallContext, entry: NonDirectoryFd, iovs: number, count: number, out: number): Errno {
  let n: number;
  if (entry.kind === FdKind.File) {
    if (entry.fdflags & Fdflags.APPEND) {
      n = writeFile(ctx, entry, iovs, count, -1);
      if (n >= 0) entry.position = -1;
    } else {
      const pos = entry.position >= 0 ? entry.position : cursor(ctx, entry);
      n = writeFile(ctx, entry, iovs, count, pos);
      if (n > 0) entry.position = pos + n;
    }
  } else n = streamIo(ctx, entry.stream, iovs, count, true);
  return finishIo(ctx, out, n);
}

function positional(ctx: SyscallContext, entry: NonDirectoryFd, iovs: number, count: number, offset: bigint, out: number, write: boolean): Errno {
  if (entry.kind !== FdKind.File) return Errno.SPIPE;
  if (offset > MAX_OFFSET_BIG) return write ? Errno.FBIG : Errno.INVAL;
  // pwrite on an O_APPEND fd appends, as on Linux (and so in wasmtime, which passes it to the kernel).
  const at = write && entry.fdflags & Fdflags.APPEND ? -1 : Number(offset);
  const n = write ? writeFile(ctx, entry, iovs, count, at) : readFile(ctx, entry, iovs, count, at);
  return finishIo(ctx, out, n);
}

export const fd_pread = (ctx: SyscallContext, entry: NonDirectoryFd, iovs: number, n: number, offset: bigint, out: number): Errno =>
  positional(ctx, entry, iovs, n, offset, out, false);
export const fd_pwrite = (ctx: SyscallContext, entry: NonDirectoryFd, iovs: number, n: number, offset: bigint, out: number): Errno =>
  positional(ctx, entry, iovs, n, offset, out, true);

/** `whence` is preview1's (SET 0, CUR 1, END 2); snapshot 0 translates before calling. */
export function fd_seek(ctx: SyscallContext, entry: NonDirectoryFd, offset: bigint, whence: number, out: number): Errno {
  if (entry.kind === FdKind.Stream) return Errno.SPIPE; // streams never seek (wasmtime)
  // Telling (CUR, 0) needs only FD_TELL, as in wasmtime.
  const checked = ctx.fds.checkRights(entry, whence === Whence.CUR && offset === 0n ? Rights.FD_TELL : Rights.FD_SEEK);
  if (typeof checked === 'number') return checked;
  let base: bigint;
  if (whence === Whence.SET) base = 0n;
  else if (whence === Whence.CUR) base = BigInt(cursor(ctx, entry));
  else {
    const errno = entry.fs.stat(entry.handle, ctx.stat);
    if (errno !== Errno.SUCCESS) return errno;
    base = ctx.stat.size;
  }
  const next = base + BigInt.asIntN(64, offset);
  if (next < 0n) return Errno.INVAL;
  if (next > MAX_OFFSET_BIG) return Errno.OVERFLOW;
  entry.position = Number(next);
  ctx.mem.view.setBigUint64(out, next, true);
  return Errno.SUCCESS;
}

export function fd_tell(ctx: SyscallContext, entry: NonDirectoryFd, out: number): Errno {
  return fd_seek(ctx, entry, 0n, Whence.CUR, out);
}

export function fd_close(ctx: SyscallContext, fd: number): Errno {
  const entry = ctx.fds.remove(fd);
  if (entry === undefined) return Errno.BADF;
  entry.close();
  return Errno.SUCCESS;
}

/** wasmtime semantics: both fds must be open; `to` is closed and replaced; a host fd is never touched. */
export function fd_renumber(ctx: SyscallContext, from: number, to: number): Errno {
  return ctx.fds.renumber(from, to);
}

export function fd_fdstat_get(ctx: SyscallContext, entry: FdEntry, out: number): Errno {
  const L = ctx.layout.fdstat;
  const v = ctx.mem.view;
  ctx.mem.u8.fill(0, out, out + L.size);
  v.setUint8(out + L.filetype, filetypeOfEntry(entry));
  v.setUint16(out + L.flags, entry.fdflags, true);
  // A read-only filesystem reports read-only rights; its mutations still reach it and fail with EROFS, the errno
  // a guest expects from a read-only mount (a rights check would say ENOTCAPABLE instead).
  const hide = entry.fs !== null && entry.fs.capabilities.readOnly ? RIGHTS_MUTATING : 0;
  v.setBigUint64(out + L.rightsBase, rightsToWire(entry.rightsBase & ~hide), true);
  v.setBigUint64(out + L.rightsInheriting, rightsToWire(entry.rightsInheriting & ~hide), true);
  return Errno.SUCCESS;
}

/**
 * Only APPEND and NONBLOCK can change after open (as fcntl F_SETFL on Linux, and wasmtime): asking for the sync
 * flags is ENOTSUP (undefined bits are EINVAL, from the table).
 */
export function fd_fdstat_set_flags(ctx: SyscallContext, entry: FdEntry, flags: number): Errno {
  if (flags & (Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC)) return Errno.NOTSUP;
  if (entry.kind === FdKind.File && (flags & Fdflags.APPEND) && !(entry.fdflags & Fdflags.APPEND)) {
    entry.position = cursor(ctx, entry);
  }
  entry.fdflags = (entry.fdflags & ~(Fdflags.APPEND | Fdflags.NONBLOCK)) | flags;
  return Errno.SUCCESS;
}

/** Rights only ever narrow: asking for a right the fd does not hold is ENOTCAPABLE. */
export function fd_fdstat_set_rights(_ctx: SyscallContext, entry: FdEntry, base: number, inheriting: number): Errno {
  if ((base & ~entry.rightsBase) !== 0 || (inheriting & ~entry.rightsInheriting) !== 0) return Errno.NOTCAPABLE;
  entry.rightsBase = base;
  entry.rightsInheriting = inheriting;
  return Errno.SUCCESS;
}

export function fd_filestat_get(ctx: SyscallContext, entry: FdEntry, out: number): Errno {
  const errno = entry.kind === FdKind.Stream ? entry.stream.stat(ctx.stat) : entry.fs.stat(entry.handle, ctx.stat);
  if (errno !== Errno.SUCCESS) return errno;
  writeFilestat(ctx, out, ctx.stat);
  return Errno.SUCCESS;
}

export function fd_filestat_set_size(_ctx: SyscallContext, entry: NonDirectoryFd, size: bigint): Errno {
  if (entry.kind !== FdKind.File) return Errno.INVAL;
  if (size > MAX_OFFSET_BIG) return Errno.FBIG;
  return entry.fs.truncate(entry.handle, Number(size));
}

export function fd_filestat_set_times(ctx: SyscallContext, entry: FdEntry, atim: bigint, mtim: bigint, flags: number): Errno {
  const errno = resolveTimes(ctx, atim, mtim, flags);
  if (errno !== Errno.SUCCESS) return errno;
  if (entry.kind === FdKind.Stream) return Errno.BADF;
  if (ctx.atim === null && ctx.mtim === null) return Errno.SUCCESS;
  return entry.fs.setTimes(entry.handle, ctx.atim, ctx.mtim);
}

export function fd_advise(_ctx: SyscallContext, entry: NonDirectoryFd, _offset: bigint, _len: bigint, _advice: number): Errno {
  if (entry.kind !== FdKind.File) return Errno.SPIPE;
  return Errno.SUCCESS; // advice is a hint; the backends have no use for it
}

export function fd_allocate(_ctx: SyscallContext, entry: NonDirectoryFd, offset: bigint, len: bigint): Errno {
  if (entry.kind !== FdKind.File) return Errno.SPIPE;
  if (len === 0n) return Errno.INVAL;
  if (offset + len > MAX_OFFSET_BIG) return Errno.FBIG;
  return entry.fs.allocate(entry.handle, Number(offset), Number(len));
}

function sync(entry: FdEntry, dataOnly: boolean): Errno {
  if (entry.kind === FdKind.Stream) return Errno.INVAL; // as fsync(2) on a pipe or terminal
  return entry.fs.sync(entry.handle, dataOnly);
}

export const fd_sync = (_ctx: SyscallContext, entry: FdEntry): Errno => sync(entry, false);
export const fd_datasync = (_ctx: SyscallContext, entry: FdEntry): Errno => sync(entry, true);

export function fd_prestat_get(ctx: SyscallContext, entry: FdEntry, out: number): Errno {
  if (entry.preopenPath === null) return Errno.BADF;
  const P = ctx.layout.prestat;
  const v = ctx.mem.view;
  ctx.mem.u8.fill(0, out, out + P.size); // tag DIR, padding zeroed
  v.setUint32(out + P.dirNameLen, utf8Length(entry.preopenPath), true);
  return Errno.SUCCESS;
}

/** ENAMETOOLONG when the buffer is shorter than the name (wasmtime); the name is written without a NUL. */
export function fd_prestat_dir_name(ctx: SyscallContext, entry: FdEntry, path: number, len: number): Errno {
  const name = entry.preopenPath;
  if (name === null) return Errno.BADF;
  const n = utf8Length(name);
  if (len < n) return Errno.NAMETOOLONG;
  // Straight into guest memory, no encoder array (libc asks once per preopen at start-up: cold code).
  writeUtf8(name, ctx.mem.u8, path);
  return Errno.SUCCESS;
}

/** A directory of a mount namespace lists the mount points inside it (over whatever the filesystem has there). */
function addMountPoints(ctx: SyscallContext, entry: DirectoryFd, listing: DirEntry[]): void {
  const ns = entry.ns as Namespace;
  for (const name of ns.mountsIn(entry.nsPath)) {
    const mount = ns.mountAt(joinNsPath(entry.nsPath, name)) as NonNullable<ReturnType<Namespace['mountAt']>>;
    const ino = mount.fs.stat(mount.root, ctx.stat2) === Errno.SUCCESS ? ctx.stat2.ino : 0n;
    const at = listing.findIndex((e) => e.name === name);
    const item = { name, ino, filetype: Filetype.DIRECTORY };
    if (at >= 0) listing[at] = item;
    else listing.push(item);
  }
}

/**
 * Directory entries from a listing snapshot taken at cookie 0: cookies are indices into it (0 `.`, 1 `..`, then
 * the backend's entries), so they stay valid while the directory changes; a new pass at cookie 0 sees the
 * changes. The last entry is cut off when the buffer is full, as the spec says (bufused == buf_len means "more").
 */
export function fd_readdir(ctx: SyscallContext, entry: DirectoryFd, buf: number, bufLen: number, cookie: bigint, out: number): Errno {
  const { fs, handle } = entry;
  if (cookie === 0n || entry.listing === null) {
    const listing = entry.listing ?? [];
    const errno = fs.readdir(handle, listing);
    if (errno !== Errno.SUCCESS) {
      ctx.fds.dropListing(entry);
      return errno;
    }
    if (entry.ns !== null) addMountPoints(ctx, entry, listing);
    ctx.fds.holdListing(entry, listing); // counted against the listing budget of all fds
  }
  const listing = entry.listing as DirEntry[];
  const count = listing.length + 2;
  let used = 0;
  if (cookie < BigInt(count)) {
    let dirIno = 0n;
    if (cookie < 2n) {
      const errno = fs.stat(handle, ctx.stat);
      if (errno !== Errno.SUCCESS) return errno;
      dirIno = ctx.stat.ino;
    }
    const D = ctx.layout.dirent;
    const u8 = ctx.mem.u8;
    // Each header is built in scratch space, then copied: the last one may be cut off by the end of the buffer.
    if (ctx.scratch.length < D.size) ctx.scratch = new Uint8Array(4096);
    const header = ctx.scratch;
    const hv = new DataView(header.buffer, header.byteOffset, D.size);
    for (let i = Number(cookie); i < count && used < bufLen; i++) {
      const name = i === 0 ? '.' : i === 1 ? '..' : listing[i - 2].name;
      const ino = i < 2 ? dirIno : listing[i - 2].ino;
      const type = i < 2 ? Filetype.DIRECTORY : listing[i - 2].filetype;
      const nameLen = i < 2 ? i + 1 : utf8Length(name);
      hv.setBigUint64(D.next, BigInt(i + 1), true);
      hv.setBigUint64(D.ino, BigInt.asUintN(64, ino), true);
      hv.setUint32(D.namlen, nameLen, true);
      hv.setUint32(D.type, type, true); // d_type and the 3 bytes of padding that end the header
      const headerBytes = Math.min(D.size, bufLen - used);
      u8.set(header.subarray(0, headerBytes), buf + used);
      used += headerBytes;
      if (used >= bufLen) break;
      const nameBytes = Math.min(nameLen, bufLen - used);
      if (nameBytes === nameLen && nameLen <= 1024) {
        const written = utf8Encoder.encodeInto(name, u8.subarray(buf + used, buf + used + nameLen)).written;
        used += written;
      } else {
        const encoded = utf8Encoder.encode(name);
        u8.set(encoded.subarray(0, nameBytes), buf + used);
        used += nameBytes;
      }
    }
  }
  // A short buffer means the guest has read to the end: the snapshot is no longer needed (a read past cookie 0
  // without one takes a fresh snapshot), so what stays held is only what is being read.
  if (used < bufLen) ctx.fds.dropListing(entry);
  ctx.mem.view.setUint32(out, used, true);
  return Errno.SUCCESS;
}
