import { PREVIEW1_FUNCTIONS, type CheckedParams, type FdTypes, type Preview1Name, type Preview1Syscalls } from './abi/functions';
import { adaptImports, type AdapterOptions, type Impl, type PregeneratedAdapter } from './adapter';
import { PREVIEW1_ADAPTER } from './adapter-modules.generated';
import { PREVIEW1_LAYOUT } from './abi/layouts';
import type { SyscallContext } from './context';
import type { DirectoryFd, FdEntry, NonDirectoryFd } from './fdtable';
import * as args from './syscalls/args';
import * as clock from './syscalls/clock';
import * as fd from './syscalls/fd';
import * as path from './syscalls/path';
import * as poll from './syscalls/poll';
import * as proc from './syscalls/proc';
import * as random from './syscalls/random';
import * as sock from './syscalls/sock';

/** What an `fd` parameter of each kind arrives as, once looked up. */
interface Fds extends FdTypes {
  any: FdEntry;
  file: NonDirectoryFd;
  dir: DirectoryFd;
}

/**
 * The preview1 implementations, typed from the ABI table: each receives the context and the values the adapter
 * checked (fd entries of the kind the table asks for, unsigned numbers, decoded paths). A missing function or
 * a parameter of the wrong kind does not compile.
 */
export type Preview1Impl = {
  [K in Preview1Name]: (ctx: SyscallContext, ...args: CheckedParams<(typeof PREVIEW1_FUNCTIONS)[K], Fds>) => number;
};

/** One file per syscall family (STYLE habit 2); the table says which function is which. */
export const PREVIEW1_IMPL: Preview1Impl = {
  ...args, ...clock, ...fd, ...path, ...poll, ...proc, ...random, ...sock,
};

/**
 * The `wasi_snapshot_preview1` import object for one instance: every function goes through the table-driven
 * adapter (`adapter.ts`) into its implementation.
 */
export function preview1Imports(c: SyscallContext, options?: AdapterOptions): Preview1Syscalls {
  return adaptImports(PREVIEW1_FUNCTIONS, PREVIEW1_IMPL as unknown as Record<string, Impl>, c, options, PREGENERATED) as unknown as Preview1Syscalls;
}

const PREGENERATED: PregeneratedAdapter = { layout: PREVIEW1_LAYOUT, module: PREVIEW1_ADAPTER };
