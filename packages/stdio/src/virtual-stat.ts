import type { FileStat } from '@vos/core';
import { Errno, Filetype } from '@vos/core';

/**
 * fstat of a stream that lives in the host's memory (a buffer, a callback, a collector): like an anonymous pipe,
 * no device, inode or timestamps, and UNKNOWN filetype, never CHARACTER_DEVICE, which wasi-libc takes for a
 * terminal. Timestamps are 0 rather than "now" so that deterministic runs stay deterministic.
 */
export function virtualStat(out: FileStat): Errno {
  out.dev = 0n;
  out.ino = 0n;
  out.filetype = Filetype.UNKNOWN;
  out.nlink = 1n;
  out.size = 0n;
  out.atim = 0n;
  out.mtim = 0n;
  out.ctim = 0n;
  return Errno.SUCCESS;
}
