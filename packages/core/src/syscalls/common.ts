import { Errno } from '../abi/errno';
import { Clockid, Filetype, Fstflags, FSTFLAGS_ALL } from '../abi/constants';
import type { SyscallContext } from '../context';
import { FdKind, type FdEntry } from '../fdtable';
import type { FileStat } from '../providers/fs';

/** Largest file offset or size vos accepts (JS numbers are exact up to 2^53). */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

/** An fd that must be a file or stream (not a directory: EBADF, as wasmtime), holding `rights`. */
export function nonDirectory(ctx: SyscallContext, fd: number, rights: number): FdEntry | Errno {
  const entry = ctx.fds.peek(fd);
  if (entry === undefined || entry.kind === FdKind.Directory) return Errno.BADF;
  return ctx.fds.get(fd, rights);
}

/**
 * An fd that must be a directory holding `rights`: a file is ENOTDIR (POSIX *at calls, and wasmtime's preview2
 * filesystem), a stream EBADF (wasmtime: not a filesystem descriptor at all).
 */
export function directory(ctx: SyscallContext, fd: number, rights: number): FdEntry | Errno {
  const entry = ctx.fds.peek(fd);
  if (entry === undefined || entry.kind === FdKind.Stream) return Errno.BADF;
  if (entry.kind !== FdKind.Directory) return Errno.NOTDIR;
  return ctx.fds.get(fd, rights);
}

/** Writes a filestat in this ABI's layout (preview1: u64 nlink, 64 bytes; snapshot 0: u32 nlink, 56 bytes). */
export function writeFilestat(ctx: SyscallContext, ptr: number, st: FileStat): void {
  const L = ctx.layout.filestat;
  const v = ctx.mem.view;
  ctx.mem.u8.fill(0, ptr, ptr + L.size);
  v.setBigUint64(ptr + L.dev, BigInt.asUintN(64, st.dev), true);
  v.setBigUint64(ptr + L.ino, BigInt.asUintN(64, st.ino), true);
  v.setUint8(ptr + L.filetype, st.filetype);
  if (L.nlinkBytes === 8) v.setBigUint64(ptr + L.nlink, BigInt.asUintN(64, st.nlink), true);
  else v.setUint32(ptr + L.nlink, Number(BigInt.asUintN(32, st.nlink)), true);
  v.setBigUint64(ptr + L.filesize, BigInt.asUintN(64, st.size), true);
  v.setBigUint64(ptr + L.atim, BigInt.asUintN(64, st.atim), true);
  v.setBigUint64(ptr + L.mtim, BigInt.asUintN(64, st.mtim), true);
  v.setBigUint64(ptr + L.ctim, BigInt.asUintN(64, st.ctim), true);
}

/**
 * Validates fst_flags and turns the NOW flags into times from the injected clock (one clock for everything the
 * guest sees), leaving them in `ctx.atim`/`ctx.mtim` (null = unchanged). EINVAL for undefined bits or for X together with X_NOW (POSIX/wasmtime).
 */
export function resolveTimes(ctx: SyscallContext, atim: bigint, mtim: bigint, flags: number): Errno {
  flags >>>= 0;
  if (flags & ~FSTFLAGS_ALL) return Errno.INVAL;
  if ((flags & Fstflags.ATIM) && (flags & Fstflags.ATIM_NOW)) return Errno.INVAL;
  if ((flags & Fstflags.MTIM) && (flags & Fstflags.MTIM_NOW)) return Errno.INVAL;
  const now = flags & (Fstflags.ATIM_NOW | Fstflags.MTIM_NOW) ? ctx.clock.now(Clockid.REALTIME) : 0n;
  ctx.atim = flags & Fstflags.ATIM ? BigInt.asUintN(64, atim) : flags & Fstflags.ATIM_NOW ? now : null;
  ctx.mtim = flags & Fstflags.MTIM ? BigInt.asUintN(64, mtim) : flags & Fstflags.MTIM_NOW ? now : null;
  return Errno.SUCCESS;
}

/** Checks an iovec array and every buffer it names; returns the total length or -EFAULT. */
export function checkIovecs(ctx: SyscallContext, iovs: number, count: number): number {
  const mem = ctx.mem;
  if (!mem.fits(iovs, count * 8)) return -Errno.FAULT;
  const v = mem.view;
  let total = 0;
  for (let i = 0; i < count; i++) {
    const buf = v.getUint32(iovs + i * 8, true);
    const len = v.getUint32(iovs + i * 8 + 4, true);
    if (!mem.fits(buf, len)) return -Errno.FAULT;
    total += len;
  }
  return total;
}

export function filetypeOfEntry(entry: FdEntry): number {
  return entry.kind === FdKind.Directory ? Filetype.DIRECTORY : entry.filetype;
}
