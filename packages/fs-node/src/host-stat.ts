import { constants, type BigIntStats } from 'node:fs';
import { Filetype, type FileStat } from '@vos/core';

const S_IFMT = constants.S_IFMT;
const S_IFREG = constants.S_IFREG;
const S_IFDIR = constants.S_IFDIR;
const S_IFLNK = constants.S_IFLNK;
const S_IFCHR = constants.S_IFCHR;
const S_IFBLK = constants.S_IFBLK;
const S_IFSOCK = constants.S_IFSOCK;

/**
 * WASI filetype of a host mode. A host socket is reported as SOCKET_STREAM (the host does not say which kind;
 * wasmtime does the same); a fifo has no WASI filetype and is UNKNOWN.
 */
export function filetypeFromMode(mode: number): Filetype {
  switch (mode & S_IFMT) {
    case S_IFREG:
      return Filetype.REGULAR_FILE;
    case S_IFDIR:
      return Filetype.DIRECTORY;
    case S_IFLNK:
      return Filetype.SYMBOLIC_LINK;
    case S_IFCHR:
      return Filetype.CHARACTER_DEVICE;
    case S_IFBLK:
      return Filetype.BLOCK_DEVICE;
    case S_IFSOCK:
      return Filetype.SOCKET_STREAM;
    default:
      return Filetype.UNKNOWN;
  }
}

export function fillFileStat(st: BigIntStats, out: FileStat): void {
  out.dev = st.dev;
  out.ino = st.ino;
  out.filetype = filetypeFromMode(Number(st.mode));
  out.nlink = st.nlink;
  out.size = st.size;
  out.atim = st.atimeNs;
  out.mtim = st.mtimeNs;
  out.ctim = st.ctimeNs;
}

/**
 * A time in ns as the double seconds Node's `futimes`/`lutimes` take. Precision is 1 µs at best: libuv turns
 * the double back into a timespec and drops the sub-µs part (`tv_nsec -= tv_nsec % 1000`), and a double near
 * today's epoch seconds only holds ~0.24 µs anyway. We pass the middle of the µs (+0.5 µs) so the rounding error
 * of the double cannot push the value below the µs boundary: the stored time is exactly `ns` truncated to µs.
 * (Before 1970 libuv truncates towards zero, so there we skip the nudge and may be 1 µs off.)
 */
export function nsToSeconds(ns: bigint): number {
  const us = ns / 1000n;
  if (ns < 0n) return Number(us) / 1e6;
  return Number(us / 1_000_000n) + (Number(us % 1_000_000n) + 0.5) / 1e6;
}
