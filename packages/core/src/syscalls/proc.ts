import { Errno } from '../abi/errno';
import { SIGNAL_MAX } from '../abi/constants';
import { ProcExit } from '../errors';
import type { SyscallContext } from '../context';

/** A trap, not an errno: unwinds the guest with its exit code (wasmtime: `I32Exit`). */
/** Needs no memory, so it works before start, as in node:wasi. */
export function proc_exit(_ctx: SyscallContext, code: number): never {
  throw new ProcExit(code >>> 0);
}

/**
 * Never signals the host process. vos answers as wasmtime does, ENOTSUP for every valid signal (after the enum
 * is decoded: EINVAL outside it).
 */
export function proc_raise(ctx: SyscallContext, sig: number): Errno {
  ctx.enter();
  sig >>>= 0;
  if (sig > SIGNAL_MAX) return Errno.INVAL;
  return Errno.NOTSUP;
}

/** There is one guest thread and nothing to yield to: success, as everywhere. */
export function sched_yield(ctx: SyscallContext): Errno {
  ctx.enter();
  return Errno.SUCCESS;
}
