import { Errno } from '../abi/errno';
import type { SyscallContext } from '../context';

export function random_get(ctx: SyscallContext, buf: number, len: number): Errno {
  ctx.enter();
  buf >>>= 0;
  len >>>= 0;
  if (!ctx.mem.fits(buf, len)) return Errno.FAULT;
  if (len > 0) ctx.random.fill(ctx.mem.u8, buf, len);
  return Errno.SUCCESS;
}
