import { Errno } from '../abi/errno';
import { Clockid, Filetype, Fstflags } from '../abi/constants';
import type { SyscallContext } from '../context';
import { FdKind, type FdEntry } from '../fdtable';
import type { FileStat } from '../providers/fs';

/** Largest file offset or size vos accepts (JS numbers are exact up to 2^53). */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
export const MAX_OFFSET_BIG = BigInt(MAX_OFFSET);

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
 * Turns the NOW flags into times from the injected clock (one clock for everything the guest sees), leaving
 * them in `ctx.atim`/`ctx.mtim` (null = unchanged). The adapter has refused undefined bits; X together with
 * X_NOW is EINVAL here (POSIX, wasmtime).
 */
export function resolveTimes(ctx: SyscallContext, atim: bigint, mtim: bigint, flags: number): Errno {
  if ((flags & Fstflags.ATIM) && (flags & Fstflags.ATIM_NOW)) return Errno.INVAL;
  if ((flags & Fstflags.MTIM) && (flags & Fstflags.MTIM_NOW)) return Errno.INVAL;
  const now = flags & (Fstflags.ATIM_NOW | Fstflags.MTIM_NOW) ? ctx.clock.now(Clockid.REALTIME) : 0n;
  ctx.atim = flags & Fstflags.ATIM ? atim : flags & Fstflags.ATIM_NOW ? now : null;
  ctx.mtim = flags & Fstflags.MTIM ? mtim : flags & Fstflags.MTIM_NOW ? now : null;
  return Errno.SUCCESS;
}

export function filetypeOfEntry(entry: FdEntry): number {
  return entry.kind === FdKind.Directory ? Filetype.DIRECTORY : entry.filetype;
}
