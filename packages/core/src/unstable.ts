import { Errno } from './abi/errno';
import { UnstableWhence, Whence } from './abi/constants';
import type { UnstableSyscalls } from './abi/functions';
import type { SyscallContext } from './context';
import { preview1Imports } from './preview1';

/**
 * `wasi_unstable` (snapshot 0) as a translation onto preview1, as wasmtime does. The ABI differences:
 * - `fd_seek` whence values are ordered CUR=0, END=1, SET=2 (preview1: SET, CUR, END): translated here;
 * - `filestat` has a u32 nlink (56 bytes) and `subscription_clock` an extra u64 `identifier` (56-byte
 *   subscriptions): both are layout data (`UNSTABLE_LAYOUT`) that the context of an unstable instance carries, so
 *   `fd_filestat_get`, `path_filestat_get` and `poll_oneoff` read and write the right shapes;
 * - there is no `sock_accept`.
 * Everything else has the same signature and meaning.
 */
export function unstableImports(c: SyscallContext): UnstableSyscalls {
  const p1 = preview1Imports(c);
  const { sock_accept: _noSockAccept, ...same } = p1;
  return {
    ...same,
    fd_seek: (fd, offset, whence, out) => {
      const w = whence >>> 0;
      const translated = w === UnstableWhence.SET ? Whence.SET : w === UnstableWhence.CUR ? Whence.CUR : w === UnstableWhence.END ? Whence.END : -1;
      if (translated < 0) {
        c.enter();
        return Errno.INVAL;
      }
      return p1.fd_seek(fd, offset, translated, out);
    },
  };
}
