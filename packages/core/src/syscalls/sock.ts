import { Errno } from '../abi/errno';
import { Filetype, RIFLAGS_ALL, SDFLAGS_ALL } from '../abi/constants';
import type { SyscallContext } from '../context';

/**
 * vos hands a guest no sockets (preview1 cannot create them), so every sock_* call on a live fd is ENOTSOCK,
 * after the fd (EBADF) and flag (EINVAL) checks, in that order as in wasmtime.
 */
function sockCheck(ctx: SyscallContext, fd: number): Errno {
  const entry = ctx.fds.get(fd >>> 0, 0);
  if (typeof entry === 'number') return entry;
  if (entry.filetype === Filetype.SOCKET_STREAM || entry.filetype === Filetype.SOCKET_DGRAM) return Errno.NOTSUP;
  return Errno.NOTSOCK;
}

export function sock_accept(ctx: SyscallContext, fd: number, flags: number, _out: number): Errno {
  ctx.enter();
  const e = sockCheck(ctx, fd);
  if (e === Errno.BADF) return e;
  if ((flags >>> 0) & ~0x4) return Errno.INVAL; // only FDFLAGS_NONBLOCK is meaningful
  return e;
}

export function sock_recv(ctx: SyscallContext, fd: number, _data: number, _len: number, flags: number, _o1: number, _o2: number): Errno {
  ctx.enter();
  const e = sockCheck(ctx, fd);
  if (e === Errno.BADF) return e;
  if ((flags >>> 0) & ~RIFLAGS_ALL) return Errno.INVAL;
  return e;
}

export function sock_send(ctx: SyscallContext, fd: number, _data: number, _len: number, flags: number, _o: number): Errno {
  ctx.enter();
  const e = sockCheck(ctx, fd);
  if (e === Errno.BADF) return e;
  if ((flags >>> 0) !== 0) return Errno.INVAL; // siflags has no defined bits
  return e;
}

export function sock_shutdown(ctx: SyscallContext, fd: number, how: number): Errno {
  ctx.enter();
  const e = sockCheck(ctx, fd);
  if (e === Errno.BADF) return e;
  how >>>= 0;
  if (how === 0 || how & ~SDFLAGS_ALL) return Errno.INVAL;
  return e;
}
