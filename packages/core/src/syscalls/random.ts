import { Errno } from '../abi/errno';
import type { SyscallContext } from '../context';

export function random_get(ctx: SyscallContext, buf: number, len: number): Errno {
  if (len > 0) ctx.random.fill(ctx.mem.u8, buf, len);
  return Errno.SUCCESS;
}
