import { Errno } from '../abi/errno';
import type { Clockid } from '../abi/constants';
import type { SyscallContext } from '../context';

/** EINVAL for an id the clock does not support (wasmtime: EINVAL for undefined ids). */
export function clock_res_get(ctx: SyscallContext, id: number, out: number): Errno {
  ctx.enter();
  out >>>= 0;
  id >>>= 0;
  if (id > 3) return Errno.INVAL;
  const res = ctx.clock.resolution(id as Clockid);
  if (res <= 0n) return Errno.INVAL;
  if (!ctx.mem.fits(out, 8)) return Errno.FAULT;
  ctx.mem.view.setBigUint64(out, res, true);
  return Errno.SUCCESS;
}

/** Hot path: one provider call, one store. `precision` is a hint and is ignored (as in wasmtime). */
export function clock_time_get(ctx: SyscallContext, id: number, _precision: bigint, out: number): Errno {
  ctx.enter();
  out >>>= 0;
  id >>>= 0;
  if (id > 3) return Errno.INVAL;
  if (!ctx.mem.fits(out, 8)) return Errno.FAULT;
  const clock = ctx.clock;
  if (id > 1 && clock.resolution(id as Clockid) <= 0n) return Errno.INVAL;
  ctx.mem.view.setBigUint64(out, clock.now(id as Clockid), true);
  return Errno.SUCCESS;
}
