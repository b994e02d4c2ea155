import { Errno } from '../abi/errno';
import { ProcExit } from '../errors';
import type { SyscallContext } from '../context';

/**
 * A trap, not an errno: unwinds the guest with its exit code (wasmtime: `I32Exit`). Needs no memory, so it
 * works before start, as in node:wasi (`NEEDS_NO_MEMORY` in the ABI table).
 */
export function proc_exit(_ctx: SyscallContext, code: number): never {
  throw new ProcExit(code);
}

/**
 * Never signals the host process. vos answers as wasmtime does, ENOTSUP for every valid signal (the table
 * refuses numbers outside the signal enum with EINVAL first).
 */
export function proc_raise(_ctx: SyscallContext, _sig: number): Errno {
  return Errno.NOTSUP;
}

/** There is one guest thread and nothing to yield to: success, as everywhere. */
export function sched_yield(_ctx: SyscallContext): Errno {
  return Errno.SUCCESS;
}
