import { Errno } from '../abi/errno';
import { Filetype } from '../abi/constants';
import type { SyscallContext } from '../context';
import type { FdEntry } from '../fdtable';

/**
 * vos hands a guest no sockets (preview1 cannot create them), so every sock_* call on a live fd is ENOTSOCK.
 * Order as in wasmtime: flag arguments are decoded first (EINVAL, from the ABI table), then the fd (EBADF).
 */
function notSocket(entry: FdEntry): Errno {
  if (entry.filetype === Filetype.SOCKET_STREAM || entry.filetype === Filetype.SOCKET_DGRAM) return Errno.NOTSUP;
  return Errno.NOTSOCK;
}

export function sock_accept(_ctx: SyscallContext, entry: FdEntry, _flags: number, _out: number): Errno {
  return notSocket(entry);
}

export function sock_recv(_ctx: SyscallContext, entry: FdEntry, _data: number, _len: number, _flags: number, _o1: number, _o2: number): Errno {
  return notSocket(entry);
}

export function sock_send(_ctx: SyscallContext, entry: FdEntry, _data: number, _len: number, _flags: number, _o: number): Errno {
  return notSocket(entry);
}

/** `how` must name at least one direction (EINVAL for 0; undefined bits are refused by the table). */
export function sock_shutdown(_ctx: SyscallContext, entry: FdEntry, how: number): Errno {
  if (how === 0) return Errno.INVAL;
  return notSocket(entry);
}
