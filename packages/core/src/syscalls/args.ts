import { Errno } from '../abi/errno';
import type { StringBlock, SyscallContext } from '../context';

/**
 * args_get / environ_get: an array of pointers at `list`, the strings at `buf`. Their sizes are the instance's
 * (what the sizes calls reported), so these two pointers are checked here: EFAULT if either doesn't fit.
 */
function copyOut(ctx: SyscallContext, block: StringBlock, list: number, buf: number): Errno {
  const mem = ctx.mem;
  const n = block.offsets.length;
  const P = ctx.layout.pointer.size;
  if (!mem.fits(list, n * P) || !mem.fits(buf, block.bytes.length)) return Errno.FAULT;
  for (let i = 0; i < n; i++) mem.view.setUint32(list + i * P, (buf + block.offsets[i]) >>> 0, true);
  mem.u8.set(block.bytes, buf);
  return Errno.SUCCESS;
}

function sizes(ctx: SyscallContext, block: StringBlock, countOut: number, sizeOut: number): Errno {
  const v = ctx.mem.view;
  v.setUint32(countOut, block.offsets.length, true);
  v.setUint32(sizeOut, block.bytes.length, true);
  return Errno.SUCCESS;
}

export const args_get = (ctx: SyscallContext, argv: number, argvBuf: number): Errno => copyOut(ctx, ctx.args, argv, argvBuf);
export const args_sizes_get = (ctx: SyscallContext, c: number, s: number): Errno => sizes(ctx, ctx.args, c, s);
export const environ_get = (ctx: SyscallContext, env: number, envBuf: number): Errno => copyOut(ctx, ctx.env, env, envBuf);
export const environ_sizes_get = (ctx: SyscallContext, c: number, s: number): Errno => sizes(ctx, ctx.env, c, s);
