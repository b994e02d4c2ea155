import { UnstableWhence, Whence } from './abi/constants';
import { UNSTABLE_FUNCTIONS, type UnstableSyscalls } from './abi/functions';
import { adaptImports, type AdapterOptions, type Impl, type PregeneratedAdapter } from './adapter';
import { UNSTABLE_ADAPTER } from './adapter-modules.generated';
import { UNSTABLE_LAYOUT } from './abi/layouts';
import type { SyscallContext } from './context';
import type { NonDirectoryFd } from './fdtable';
import { PREVIEW1_IMPL } from './preview1';
import { fd_seek } from './syscalls/fd';

/** Snapshot 0's whence values (CUR 0, END 1, SET 2) as preview1's; the table has already refused anything above 2. */
const WHENCE_TO_PREVIEW1: number[] = [];
WHENCE_TO_PREVIEW1[UnstableWhence.CUR] = Whence.CUR;
WHENCE_TO_PREVIEW1[UnstableWhence.END] = Whence.END;
WHENCE_TO_PREVIEW1[UnstableWhence.SET] = Whence.SET;

/**
 * `wasi_unstable` (snapshot 0) as a translation onto preview1, as wasmtime does. The ABI differences:
 * - `fd_seek` whence values are ordered CUR=0, END=1, SET=2 (preview1: SET, CUR, END): translated here;
 * - `filestat` has a u32 nlink (56 bytes) and `subscription_clock` an extra u64 `identifier` (56-byte
 *   subscriptions): both are layout data (`UNSTABLE_LAYOUT`) that the context of an unstable instance carries, so
 *   the adapter checks the right sizes and `fd_filestat_get`, `path_filestat_get` and `poll_oneoff` read and
 *   write the right shapes;
 * - there is no `sock_accept`.
 * Everything else is preview1's implementation under the same table.
 */
export const UNSTABLE_IMPL = {
  ...PREVIEW1_IMPL,
  fd_seek: (ctx: SyscallContext, entry: NonDirectoryFd, offset: bigint, whence: number, out: number) =>
    fd_seek(ctx, entry, offset, WHENCE_TO_PREVIEW1[whence], out),
};

export function unstableImports(c: SyscallContext, options?: AdapterOptions): UnstableSyscalls {
  return adaptImports(UNSTABLE_FUNCTIONS, UNSTABLE_IMPL as unknown as Record<string, Impl>, c, options, PREGENERATED) as unknown as UnstableSyscalls;
}

const PREGENERATED: PregeneratedAdapter = { layout: UNSTABLE_LAYOUT, module: UNSTABLE_ADAPTER };
