import { Errno } from '../abi/errno';
import { Advice, Fdflags, FDFLAGS_ALL, FSTFLAGS_ALL, Filetype, RIGHTS_MUTATING, Rights, rightsFromWire, rightsToWire, Whence } from '../abi/constants';
import type { SyscallContext } from '../context';
import { FdKind, type FdEntry } from '../fdtable';
import { utf8Encoder, utf8Length } from '../memory';
import type { DirEntry, FileSystem, FsHandle } from '../providers/fs';
import { joinNsPath, type Namespace } from '../namespace';
import { checkIovecs, directory, filetypeOfEntry, MAX_OFFSET, nonDirectory, resolveTimes, writeFilestat } from './common';

/** A file's cursor, resolving "at the end" (-1, left by an append) with fstat. */
function cursor(ctx: SyscallContext, entry: FdEntry): number {
  if (entry.position >= 0) return entry.position;
  const errno = (entry.fs as FileSystem).stat(entry.handle as FsHandle, ctx.stat);
  entry.position = errno === Errno.SUCCESS ? Number(ctx.stat.size) : 0;
  return entry.position;
}

/** Reads into the iovecs from a file at `pos`; returns bytes or -errno. Stops at the first short read. */
function readFile(ctx: SyscallContext, entry: FdEntry, iovs: number, count: number, pos: number): number {
  const fs = entry.fs as FileSystem;
  const h = entry.handle as FsHandle;
  const { u8, view } = ctx.mem;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const buf = view.getUint32(iovs + i * 8, true);
    const len = view.getUint32(iovs + i * 8 + 4, true);
    if (len === 0) continue;
    const n = fs.read(h, u8, buf, len, pos + total);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < len) break;
  }
  return total;
}

/** Writes the iovecs to a file at `pos` (-1 = append); returns bytes or -errno. */
function writeFile(ctx: SyscallContext, entry: FdEntry, iovs: number, count: number, pos: number): number {
  const fs = entry.fs as FileSystem;
  const h = entry.handle as FsHandle;
  const { u8, view } = ctx.mem;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const buf = view.getUint32(iovs + i * 8, true);
    const len = view.getUint32(iovs + i * 8 + 4, true);
    if (len === 0) continue;
    const n = fs.write(h, u8, buf, len, pos < 0 ? -1 : pos + total);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < len) break;
  }
  return total;
}

/**
 * Streams get one host call per syscall, as readv/writev would: a single non-empty iovec goes straight between
 * guest memory and the stream; several are gathered/scattered through the context's scratch buffer.
 */
function streamIo(ctx: SyscallContext, entry: FdEntry, iovs: number, count: number, total: number, write: boolean): number {
  const stream = entry.stream as NonNullable<FdEntry['stream']>;
  const { u8, view } = ctx.mem;
  let single = -1;
  let nonEmpty = 0;
  for (let i = 0; i < count; i++) {
    if (view.getUint32(iovs + i * 8 + 4, true) !== 0) {
      nonEmpty++;
      single = i;
    }
  }
  if (nonEmpty === 0) return 0;
  if (nonEmpty === 1) {
    const buf = view.getUint32(iovs + single * 8, true);
    const len = view.getUint32(iovs + single * 8 + 4, true);
    return write ? stream.write(u8, buf, len) : stream.read(u8, buf, len);
  }
  if (ctx.scratch.length < total) ctx.scratch = new Uint8Array(Math.max(total, 4096, ctx.scratch.length * 2));
  const scratch = ctx.scratch;
  if (write) {
    let at = 0;
    for (let i = 0; i < count; i++) {
      const buf = view.getUint32(iovs + i * 8, true);
      const len = view.getUint32(iovs + i * 8 + 4, true);
      scratch.set(u8.subarray(buf, buf + len), at);
      at += len;
    }
    return stream.write(scratch, 0, total);
  }
  const n = stream.read(scratch, 0, total);
  if (n <= 0) return n;
  const dst = ctx.mem.u8; // the stream cannot grow memory, but re-read the field for clarity
  let at = 0;
  for (let i = 0; i < count && at < n; i++) {
    const buf = view.getUint32(iovs + i * 8, true);
    const len = Math.min(view.getUint32(iovs + i * 8 + 4, true), n - at);
    dst.set(scratch.subarray(at, at + len), buf);
    at += len;
  }
  return n;
}

/** The iovec array, every buffer it names and the 4-byte result slot: the total length, or -EFAULT. */
function checkIo(ctx: SyscallContext, iovs: number, count: number, out: number): number {
  const total = checkIovecs(ctx, iovs, count);
  return total >= 0 && !ctx.mem.fits(out, 4) ? -Errno.FAULT : total;
}

/** Stores a byte count for the guest, or returns the negated errno the transfer gave. */
function finishIo(ctx: SyscallContext, out: number, n: number): Errno {
  if (n < 0) return -n as Errno;
  ctx.mem.view.setUint32(out, n, true);
  return Errno.SUCCESS;
}

export function fd_read(ctx: SyscallContext, fd: number, iovs: number, count: number, out: number): Errno {
  ctx.enter();
  const entry = nonDirectory(ctx, fd >>> 0, Rights.FD_READ);
  if (typeof entry === 'number') return entry;
  iovs >>>= 0;
  count >>>= 0;
  out >>>= 0;
  const total = checkIo(ctx, iovs, count, out);
  if (total < 0) return -total as Errno;
  let n: number;
  if (entry.kind === FdKind.File) {
    const pos = cursor(ctx, entry);
    n = readFile(ctx, entry, iovs, count, pos);
    if (n > 0) entry.position = pos + n;
  } else n = streamIo(ctx, entry, iovs, count, total, false);
  return finishIo(ctx, out, n);
}

export function fd_write(ctx: SyscallContext, fd: number, iovs: number, count: number, out: number): Errno {
  ctx.enter();
  const entry = nonDirectory(ctx, fd >>> 0, Rights.FD_WRITE);
  if (typeof entry === 'number') return entry;
  iovs >>>= 0;
  count >>>= 0;
  out >>>= 0;
  const total = checkIo(ctx, iovs, count, out);
  if (total < 0) return -total as Errno;
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
  } else n = streamIo(ctx, entry, iovs, count, total, true);
  return finishIo(ctx, out, n);
}

function positional(ctx: SyscallContext, fd: number, iovs: number, count: number, offset: bigint, out: number, write: boolean): Errno {
  ctx.enter();
  const entry = nonDirectory(ctx, fd >>> 0, (write ? Rights.FD_WRITE : Rights.FD_READ) | Rights.FD_SEEK);
  if (typeof entry === 'number') return entry;
  if (entry.kind !== FdKind.File) return Errno.SPIPE;
  iovs >>>= 0;
  count >>>= 0;
  out >>>= 0;
  const total = checkIo(ctx, iovs, count, out);
  if (total < 0) return -total as Errno;
  const off = BigInt.asUintN(64, offset);
  if (off > BigInt(MAX_OFFSET)) return write ? Errno.FBIG : Errno.INVAL;
  // pwrite on an O_APPEND fd appends, as on Linux (and so in wasmtime, which passes it to the kernel).
  const at = write && entry.fdflags & Fdflags.APPEND ? -1 : Number(off);
  const n = write ? writeFile(ctx, entry, iovs, count, at) : readFile(ctx, entry, iovs, count, at);
  return finishIo(ctx, out, n);
}

export const fd_pread = (ctx: SyscallContext, fd: number, iovs: number, n: number, offset: bigint, out: number): Errno =>
  positional(ctx, fd, iovs, n, offset, out, false);
export const fd_pwrite = (ctx: SyscallContext, fd: number, iovs: number, n: number, offset: bigint, out: number): Errno =>
  positional(ctx, fd, iovs, n, offset, out, true);

/** `whence` is preview1's (SET 0, CUR 1, END 2); snapshot 0 translates before calling. */
export function fd_seek(ctx: SyscallContext, fd: number, offset: bigint, whence: number, out: number): Errno {
  ctx.enter();
  fd >>>= 0;
  whence >>>= 0;
  out >>>= 0;
  if (whence > Whence.END) return Errno.INVAL; // enum arguments are decoded first (wasmtime)
  const peeked = ctx.fds.peek(fd);
  if (peeked !== undefined && peeked.kind === FdKind.Stream) return Errno.SPIPE; // streams never seek (wasmtime)
  // Telling (CUR, 0) needs only FD_TELL, as in wasmtime.
  const rights = whence === Whence.CUR && offset === 0n ? Rights.FD_TELL : Rights.FD_SEEK;
  const entry = nonDirectory(ctx, fd, rights);
  if (typeof entry === 'number') return entry;
  if (!ctx.mem.fits(out, 8)) return Errno.FAULT;
  const delta = BigInt.asIntN(64, offset);
  let base: bigint;
  if (whence === Whence.SET) base = 0n;
  else if (whence === Whence.CUR) base = BigInt(cursor(ctx, entry));
  else {
    const errno = (entry.fs as FileSystem).stat(entry.handle as FsHandle, ctx.stat);
    if (errno !== Errno.SUCCESS) return errno;
    base = ctx.stat.size;
  }
  const next = base + delta;
  if (next < 0n) return Errno.INVAL;
  if (next > BigInt(MAX_OFFSET)) return Errno.OVERFLOW;
  entry.position = Number(next);
  ctx.mem.view.setBigUint64(out, next, true);
  return Errno.SUCCESS;
}

export function fd_tell(ctx: SyscallContext, fd: number, out: number): Errno {
  return fd_seek(ctx, fd, 0n, Whence.CUR, out);
}

export function fd_close(ctx: SyscallContext, fd: number): Errno {
  ctx.enter();
  const entry = ctx.fds.remove(fd >>> 0);
  if (entry === undefined) return Errno.BADF;
  entry.close();
  return Errno.SUCCESS;
}

/** wasmtime semantics: both fds must be open; `to` is closed and replaced; a host fd is never touched. */
export function fd_renumber(ctx: SyscallContext, from: number, to: number): Errno {
  ctx.enter();
  return ctx.fds.renumber(from >>> 0, to >>> 0);
}

export function fd_fdstat_get(ctx: SyscallContext, fd: number, out: number): Errno {
  ctx.enter();
  out >>>= 0;
  const entry = ctx.fds.get(fd >>> 0, 0);
  if (typeof entry === 'number') return entry;
  if (!ctx.mem.fits(out, 24)) return Errno.FAULT;
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
 * flags is ENOTSUP; undefined bits are EINVAL.
 */
export function fd_fdstat_set_flags(ctx: SyscallContext, fd: number, flags: number): Errno {
  ctx.enter();
  flags >>>= 0;
  if (flags & ~FDFLAGS_ALL) return Errno.INVAL;
  const entry = ctx.fds.get(fd >>> 0, Rights.FD_FDSTAT_SET_FLAGS);
  if (typeof entry === 'number') return entry;
  if (flags & (Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC)) return Errno.NOTSUP;
  if (entry.kind === FdKind.File && (flags & Fdflags.APPEND) && !(entry.fdflags & Fdflags.APPEND)) {
    entry.position = cursor(ctx, entry);
  }
  entry.fdflags = (entry.fdflags & ~(Fdflags.APPEND | Fdflags.NONBLOCK)) | flags;
  return Errno.SUCCESS;
}

/** Rights only ever narrow: asking for a right the fd does not hold is ENOTCAPABLE. */
export function fd_fdstat_set_rights(ctx: SyscallContext, fd: number, base: bigint, inheriting: bigint): Errno {
  ctx.enter();
  const entry = ctx.fds.get(fd >>> 0, 0);
  if (typeof entry === 'number') return entry;
  const b = rightsFromWire(base);
  const i = rightsFromWire(inheriting);
  if ((b & ~entry.rightsBase) !== 0 || (i & ~entry.rightsInheriting) !== 0) return Errno.NOTCAPABLE;
  entry.rightsBase = b;
  entry.rightsInheriting = i;
  return Errno.SUCCESS;
}

export function fd_filestat_get(ctx: SyscallContext, fd: number, out: number): Errno {
  ctx.enter();
  out >>>= 0;
  const entry = ctx.fds.get(fd >>> 0, Rights.FD_FILESTAT_GET);
  if (typeof entry === 'number') return entry;
  if (!ctx.mem.fits(out, ctx.layout.filestat.size)) return Errno.FAULT;
  const errno = entry.stream !== null ? entry.stream.stat(ctx.stat) : (entry.fs as FileSystem).stat(entry.handle as FsHandle, ctx.stat);
  if (errno !== Errno.SUCCESS) return errno;
  writeFilestat(ctx, out, ctx.stat);
  return Errno.SUCCESS;
}

export function fd_filestat_set_size(ctx: SyscallContext, fd: number, size: bigint): Errno {
  ctx.enter();
  const entry = nonDirectory(ctx, fd >>> 0, Rights.FD_FILESTAT_SET_SIZE);
  if (typeof entry === 'number') return entry;
  if (entry.kind !== FdKind.File) return Errno.INVAL;
  const s = BigInt.asUintN(64, size);
  if (s > BigInt(MAX_OFFSET)) return Errno.FBIG;
  return (entry.fs as FileSystem).truncate(entry.handle as FsHandle, Number(s));
}

export function fd_filestat_set_times(ctx: SyscallContext, fd: number, atim: bigint, mtim: bigint, flags: number): Errno {
  ctx.enter();
  if ((flags >>> 0) & ~FSTFLAGS_ALL) return Errno.INVAL;
  const entry = ctx.fds.get(fd >>> 0, Rights.FD_FILESTAT_SET_TIMES);
  if (typeof entry === 'number') return entry;
  const errno = resolveTimes(ctx, atim, mtim, flags);
  if (errno !== Errno.SUCCESS) return errno;
  if (entry.fs === null) return Errno.BADF;
  if (ctx.atim === null && ctx.mtim === null) return Errno.SUCCESS;
  return entry.fs.setTimes(entry.handle as FsHandle, ctx.atim, ctx.mtim);
}

export function fd_advise(ctx: SyscallContext, fd: number, _offset: bigint, _len: bigint, advice: number): Errno {
  ctx.enter();
  if ((advice >>> 0) > Advice.NOREUSE) return Errno.INVAL;
  const entry = nonDirectory(ctx, fd >>> 0, Rights.FD_ADVISE);
  if (typeof entry === 'number') return entry;
  if (entry.kind !== FdKind.File) return Errno.SPIPE;
  return Errno.SUCCESS; // advice is a hint; the backends have no use for it
}

export function fd_allocate(ctx: SyscallContext, fd: number, offset: bigint, len: bigint): Errno {
  ctx.enter();
  const entry = nonDirectory(ctx, fd >>> 0, Rights.FD_ALLOCATE);
  if (typeof entry === 'number') return entry;
  if (entry.kind !== FdKind.File) return Errno.SPIPE;
  const o = BigInt.asUintN(64, offset);
  const l = BigInt.asUintN(64, len);
  if (l === 0n) return Errno.INVAL;
  if (o + l > BigInt(MAX_OFFSET)) return Errno.FBIG;
  return (entry.fs as FileSystem).allocate(entry.handle as FsHandle, Number(o), Number(l));
}

function sync(ctx: SyscallContext, fd: number, right: number, dataOnly: boolean): Errno {
  ctx.enter();
  const entry = ctx.fds.get(fd >>> 0, right);
  if (typeof entry === 'number') return entry;
  if (entry.fs === null) return Errno.INVAL; // a stream: as fsync(2) on a pipe or terminal
  return entry.fs.sync(entry.handle as FsHandle, dataOnly);
}

export const fd_sync = (ctx: SyscallContext, fd: number): Errno => sync(ctx, fd, Rights.FD_SYNC, false);
export const fd_datasync = (ctx: SyscallContext, fd: number): Errno => sync(ctx, fd, Rights.FD_DATASYNC, true);

export function fd_prestat_get(ctx: SyscallContext, fd: number, out: number): Errno {
  ctx.enter();
  out >>>= 0;
  const entry = ctx.fds.peek(fd >>> 0);
  if (entry === undefined || entry.preopenPath === null) return Errno.BADF;
  if (!ctx.mem.fits(out, 8)) return Errno.FAULT;
  const v = ctx.mem.view;
  v.setUint32(out, 0, true); // tag DIR, padding zeroed
  v.setUint32(out + 4, utf8Length(entry.preopenPath), true);
  return Errno.SUCCESS;
}

/** ENAMETOOLONG when the buffer is shorter than the name (wasmtime); the name is written without a NUL. */
export function fd_prestat_dir_name(ctx: SyscallContext, fd: number, path: number, len: number): Errno {
  ctx.enter();
  path >>>= 0;
  len >>>= 0;
  const entry = ctx.fds.peek(fd >>> 0);
  if (entry === undefined || entry.preopenPath === null) return Errno.BADF;
  const bytes = utf8Encoder.encode(entry.preopenPath);
  if (len < bytes.length) return Errno.NAMETOOLONG;
  if (!ctx.mem.fits(path, bytes.length)) return Errno.FAULT;
  ctx.mem.u8.set(bytes, path);
  return Errno.SUCCESS;
}

/** A directory of a mount namespace lists the mount points inside it (over whatever the filesystem has there). */
function addMountPoints(ctx: SyscallContext, entry: FdEntry, listing: DirEntry[]): void {
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
export function fd_readdir(ctx: SyscallContext, fd: number, buf: number, bufLen: number, cookie: bigint, out: number): Errno {
  ctx.enter();
  buf >>>= 0;
  bufLen >>>= 0;
  out >>>= 0;
  const entry = directory(ctx, fd >>> 0, Rights.FD_READDIR);
  if (typeof entry === 'number') return entry;
  if (!ctx.mem.fits(buf, bufLen) || !ctx.mem.fits(out, 4)) return Errno.FAULT;
  const fs = entry.fs as FileSystem;
  const h = entry.handle as FsHandle;
  if (cookie === 0n || entry.listing === null) {
    const listing = entry.listing ?? [];
    const errno = fs.readdir(h, listing);
    if (errno !== Errno.SUCCESS) {
      ctx.fds.dropListing(entry);
      return errno;
    }
    if (entry.ns !== null) addMountPoints(ctx, entry, listing);
    ctx.fds.holdListing(entry, listing); // counted against the listing budget of all fds
  }
  const listing = entry.listing as DirEntry[];
  const count = listing.length + 2;
  const start = BigInt.asUintN(64, cookie);
  let used = 0;
  if (start < BigInt(count)) {
    let dirIno = 0n;
    if (start < 2n) {
      const errno = fs.stat(h, ctx.stat);
      if (errno !== Errno.SUCCESS) return errno;
      dirIno = ctx.stat.ino;
    }
    const u8 = ctx.mem.u8;
    if (ctx.scratch.length < 24) ctx.scratch = new Uint8Array(4096);
    const header = ctx.scratch;
    const hv = new DataView(header.buffer, header.byteOffset, 24);
    for (let i = Number(start); i < count && used < bufLen; i++) {
      const name = i === 0 ? '.' : i === 1 ? '..' : listing[i - 2].name;
      const ino = i < 2 ? dirIno : listing[i - 2].ino;
      const type = i < 2 ? Filetype.DIRECTORY : listing[i - 2].filetype;
      const nameLen = i < 2 ? i + 1 : utf8Length(name);
      hv.setBigUint64(0, BigInt(i + 1), true);
      hv.setBigUint64(8, BigInt.asUintN(64, ino), true);
      hv.setUint32(16, nameLen, true);
      hv.setUint32(20, type, true); // d_type and 3 bytes of padding
      const headerBytes = Math.min(24, bufLen - used);
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
