import * as fs from 'node:fs';
import * as path from 'node:path';
import { Errno, RIGHTS_ALL, type Preview1Name } from '@vos/core';
import type { CoreFixture } from './harness';

/** Fixed guest addresses used by the builders. */
export const A = { OUT: 1000, LIST: 1100, STRS: 1200, PATH: 2000, PATH2: 2200, IOV: 3000, BUF: 4096, SUBS: 5000, EVENTS: 6000 };
export const FILE_FD = 4;

export type Arg = number | bigint;

/**
 * For every preview1 function, arguments that make the call succeed on a fresh `makeCore()` fixture whose fd 4
 * is `f.txt` opened read-write. The bad-input matrix swaps one argument at a time for a bad one; the fuzz test
 * uses these as seeds. `expect` is the errno of the valid call (0 unless the call can never succeed here).
 */
export const VALID: { [K in Preview1Name]?: { args: (fx: CoreFixture) => Arg[]; expect?: Errno } } = {
  args_get: { args: () => [A.LIST, A.STRS] },
  args_sizes_get: { args: () => [A.OUT, A.OUT + 4] },
  environ_get: { args: () => [A.LIST, A.STRS] },
  environ_sizes_get: { args: () => [A.OUT, A.OUT + 4] },
  clock_res_get: { args: () => [1, A.OUT] },
  clock_time_get: { args: () => [1, 0n, A.OUT] },
  fd_advise: { args: () => [FILE_FD, 0n, 10n, 0] },
  fd_allocate: { args: () => [FILE_FD, 0n, 10n] },
  fd_close: { args: () => [FILE_FD] },
  fd_datasync: { args: () => [FILE_FD] },
  fd_fdstat_get: { args: () => [FILE_FD, A.OUT] },
  fd_fdstat_set_flags: { args: () => [FILE_FD, 1] },
  fd_fdstat_set_rights: { args: () => [FILE_FD, 0n, 0n] },
  fd_filestat_get: { args: () => [FILE_FD, A.OUT] },
  fd_filestat_set_size: { args: () => [FILE_FD, 5n] },
  fd_filestat_set_times: { args: () => [FILE_FD, 1n, 2n, 5] },
  fd_pread: { args: (fx) => [FILE_FD, iov(fx), 1, 0n, A.OUT] },
  fd_prestat_get: { args: () => [3, A.OUT] },
  fd_prestat_dir_name: { args: () => [3, A.BUF, 8] },
  fd_pwrite: { args: (fx) => [FILE_FD, iov(fx), 1, 0n, A.OUT] },
  fd_read: { args: (fx) => [FILE_FD, iov(fx), 1, A.OUT] },
  fd_readdir: { args: () => [3, A.BUF, 512, 0n, A.OUT] },
  fd_renumber: { args: () => [FILE_FD, 2] },
  fd_seek: { args: () => [FILE_FD, 0n, 0, A.OUT] },
  fd_sync: { args: () => [FILE_FD] },
  fd_tell: { args: () => [FILE_FD, A.OUT] },
  fd_write: { args: (fx) => [FILE_FD, iov(fx), 1, A.OUT] },
  path_create_directory: { args: (fx) => [3, A.PATH, fx.str(A.PATH, 'newdir')] },
  path_filestat_get: { args: (fx) => [3, 1, A.PATH, fx.str(A.PATH, 'ln'), A.OUT] },
  path_filestat_set_times: { args: (fx) => [3, 0, A.PATH, fx.str(A.PATH, 'f.txt'), 1n, 2n, 5] },
  path_link: { args: (fx) => [3, 0, A.PATH, fx.str(A.PATH, 'f.txt'), 3, A.PATH2, fx.str(A.PATH2, 'hard')] },
  path_open: { args: (fx) => [3, 1, A.PATH, fx.str(A.PATH, 'f.txt'), 0, BigInt(RIGHTS_ALL), BigInt(RIGHTS_ALL), 0, A.OUT] },
  path_readlink: { args: (fx) => [3, A.PATH, fx.str(A.PATH, 'ln'), A.BUF, 64, A.OUT] },
  path_remove_directory: {
    args: (fx) => {
      fs.mkdirSync(path.join(fx.dir, 'empty'));
      return [3, A.PATH, fx.str(A.PATH, 'empty')];
    },
  },
  path_rename: { args: (fx) => [3, A.PATH, fx.str(A.PATH, 'f.txt'), 3, A.PATH2, fx.str(A.PATH2, 'g.txt')] },
  path_symlink: { args: (fx) => [A.PATH, fx.str(A.PATH, 'f.txt'), 3, A.PATH2, fx.str(A.PATH2, 's2')] },
  path_unlink_file: { args: (fx) => [3, A.PATH, fx.str(A.PATH, 'f.txt')] },
  poll_oneoff: { args: (fx) => [clockSub(fx, A.SUBS, 1000n, 0), A.EVENTS, 1, A.OUT] },
  proc_raise: { args: () => [15], expect: Errno.NOTSUP },
  sched_yield: { args: () => [] },
  random_get: { args: () => [A.BUF, 64] },
  sock_accept: { args: () => [FILE_FD, 0, A.OUT], expect: Errno.NOTSOCK },
  sock_recv: { args: (fx) => [FILE_FD, iov(fx), 1, 0, A.OUT, A.OUT + 4], expect: Errno.NOTSOCK },
  sock_send: { args: (fx) => [FILE_FD, iov(fx), 1, 0, A.OUT], expect: Errno.NOTSOCK },
  sock_shutdown: { args: () => [FILE_FD, 1], expect: Errno.NOTSOCK },
};

/** One iovec at A.IOV naming 8 bytes at A.BUF. */
export function iov(fx: CoreFixture, buf = A.BUF, len = 8): number {
  fx.view().setUint32(A.IOV, buf, true);
  fx.view().setUint32(A.IOV + 4, len, true);
  return A.IOV;
}

/** A preview1 clock subscription at `at` (48 bytes). */
export function clockSub(fx: CoreFixture, at: number, timeout: bigint, flags: number, tag = 0, clockId = 1): number {
  const v = fx.view();
  new Uint8Array(fx.memory.buffer).fill(0, at, at + 48);
  v.setBigUint64(at, 0xabcdn, true);
  v.setUint8(at + 8, tag);
  v.setUint32(at + 16, clockId, true);
  v.setBigUint64(at + 24, timeout, true);
  v.setUint16(at + 40, flags, true);
  return at;
}

/** Opens `f.txt` read-write as fd 4 (every builder assumes it). */
export function openFileFd(fx: CoreFixture): void {
  const n = fx.str(A.PATH, 'f.txt');
  const errno = fx.sys.path_open(3, 0, A.PATH, n, 0, BigInt(RIGHTS_ALL), 0n, 0, A.OUT);
  if (errno !== 0 || fx.view().getUint32(A.OUT, true) !== FILE_FD) throw new Error(`setup: path_open gave ${errno}`);
}
