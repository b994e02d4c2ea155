import { Errno } from '../abi/errno';
import { Filetype, RIFLAGS_ALL, SDFLAGS_ALL } from '../abi/constants';
import type { SyscallContext } from '../context';

/**
 * vos hands a guest no sockets (preview1 cannot create them), so every sock_* call on a live fd is ENOTSOCK.
 * Order as in wasmtime: flag arguments are decoded first (EINVAL), then the fd (EBADF).
 */
function sockCheck(ctx: SyscallContext, fd: number): Errno {
  const entry = ctx.fds.get(fd >>> 0, 0);
  if (typeof entry === 'number') return entry;
  if (entry.filetype === Filetype.SOCKET_STREAM || entry.filetype === Filetype.SOCKET_DGRAM) return Errno.NOTSUP;
  return Errno.NOTSOCK;
}

export function sock_accept(ctx: SyscallContext, fd: number, flags: number, _out: number): Errno {
  ctx.enter();
  if ((flags >>> 0) & ~0x4) return Errno.INVAL; // only FDFLAGS_NONBLOCK is meaningful
  return sockCheck(ctx, fd);
}

export function sock_recv(ctx: SyscallContext, fd: number, _data: number, _len: number, flags: number, _o1: number, _o2: number): Errno {
  ctx.enter();
  if ((flags >>> 0) & ~RIFLAGS_ALL) return Errno.INVAL;
  return sockCheck(ctx, fd);
}

export function sock_send(ctx: SyscallContext, fd: number, _data: number, _len: number, flags: number, _o: number): Errno {
  ctx.enter();
  if ((flags >>> 0) !== 0) return Errno.INVAL; // siflags has no defined bits
  return sockCheck(ctx, fd);
}

export function sock_shutdown(ctx: SyscallContext, fd: number, how: number): Errno {
  ctx.enter();
  how >>>= 0;
  if (how === 0 || how & ~SDFLAGS_ALL) return Errno.INVAL;
  return sockCheck(ctx, fd);
}
