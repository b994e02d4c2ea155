import { Errno } from '../abi/errno';
import type { Clockid } from '../abi/constants';
import type { SyscallContext } from '../context';

/** EINVAL for an id the clock does not support (undefined ids are refused by the table, as wasmtime). */
export function clock_res_get(ctx: SyscallContext, id: number, out: number): Errno {
  const res = ctx.clock.resolution(id as Clockid);
  if (res <= 0n) return Errno.INVAL;
  ctx.mem.view.setBigUint64(out, res, true);
  return Errno.SUCCESS;
}

/** Hot path: one provider call, one store. `precision` is a hint and is ignored (as in wasmtime). */
export function clock_time_get(ctx: SyscallContext, id: number, _precision: bigint, out: number): Errno {
  const clock = ctx.clock;
  if (id > 1 && clock.resolution(id as Clockid) <= 0n) return Errno.INVAL;
  ctx.mem.view.setBigUint64(out, clock.now(id as Clockid), true);
  return Errno.SUCCESS;
}
