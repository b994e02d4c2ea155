/** WASI errno values (identical in preview1 and snapshot 0). */
export const Errno = {
  SUCCESS: 0, '2BIG': 1, ACCES: 2, ADDRINUSE: 3, ADDRNOTAVAIL: 4, AFNOSUPPORT: 5, AGAIN: 6, ALREADY: 7,
  BADF: 8, BADMSG: 9, BUSY: 10, CANCELED: 11, CHILD: 12, CONNABORTED: 13, CONNREFUSED: 14, CONNRESET: 15,
  DEADLK: 16, DESTADDRREQ: 17, DOM: 18, DQUOT: 19, EXIST: 20, FAULT: 21, FBIG: 22, HOSTUNREACH: 23,
  IDRM: 24, ILSEQ: 25, INPROGRESS: 26, INTR: 27, INVAL: 28, IO: 29, ISCONN: 30, ISDIR: 31, LOOP: 32,
  MFILE: 33, MLINK: 34, MSGSIZE: 35, MULTIHOP: 36, NAMETOOLONG: 37, NETDOWN: 38, NETRESET: 39,
  NETUNREACH: 40, NFILE: 41, NOBUFS: 42, NODEV: 43, NOENT: 44, NOEXEC: 45, NOLCK: 46, NOLINK: 47,
  NOMEM: 48, NOMSG: 49, NOPROTOOPT: 50, NOSPC: 51, NOSYS: 52, NOTCONN: 53, NOTDIR: 54, NOTEMPTY: 55,
  NOTRECOVERABLE: 56, NOTSOCK: 57, NOTSUP: 58, NOTTY: 59, NXIO: 60, OVERFLOW: 61, OWNERDEAD: 62, PERM: 63,
  PIPE: 64, PROTO: 65, PROTONOSUPPORT: 66, PROTOTYPE: 67, RANGE: 68, ROFS: 69, SPIPE: 70, SRCH: 71,
  STALE: 72, TIMEDOUT: 73, TXTBSY: 74, XDEV: 75, NOTCAPABLE: 76,
} as const;
export type Errno = (typeof Errno)[keyof typeof Errno];

/** `ERRNO_NAMES[n]` is the WASI name of errno `n` (e.g. `NOENT`), for traces and messages. */
export const ERRNO_NAMES: readonly string[] = (() => {
  const names: string[] = [];
  for (const [name, value] of Object.entries(Errno)) names[value] = name;
  return names;
})();

export function errnoName(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno(${errno})`;
}

/** Host (POSIX, as reported by Node in `err.code`) error codes mapped onto WASI errnos. */
export const HOST_CODE_TO_ERRNO: Readonly<Record<string, Errno>> = {
  E2BIG: Errno['2BIG'], EACCES: Errno.ACCES, EADDRINUSE: Errno.ADDRINUSE, EADDRNOTAVAIL: Errno.ADDRNOTAVAIL,
  EAFNOSUPPORT: Errno.AFNOSUPPORT, EAGAIN: Errno.AGAIN, EWOULDBLOCK: Errno.AGAIN, EALREADY: Errno.ALREADY,
  EBADF: Errno.BADF, EBADMSG: Errno.BADMSG, EBUSY: Errno.BUSY, ECANCELED: Errno.CANCELED, ECHILD: Errno.CHILD,
  ECONNABORTED: Errno.CONNABORTED, ECONNREFUSED: Errno.CONNREFUSED, ECONNRESET: Errno.CONNRESET,
  EDEADLK: Errno.DEADLK, EDESTADDRREQ: Errno.DESTADDRREQ, EDOM: Errno.DOM, EDQUOT: Errno.DQUOT,
  EEXIST: Errno.EXIST, EFAULT: Errno.FAULT, EFBIG: Errno.FBIG, EHOSTUNREACH: Errno.HOSTUNREACH,
  EIDRM: Errno.IDRM, EILSEQ: Errno.ILSEQ, EINPROGRESS: Errno.INPROGRESS, EINTR: Errno.INTR,
  EINVAL: Errno.INVAL, EIO: Errno.IO, EISCONN: Errno.ISCONN, EISDIR: Errno.ISDIR, ELOOP: Errno.LOOP,
  EMFILE: Errno.MFILE, EMLINK: Errno.MLINK, EMSGSIZE: Errno.MSGSIZE, EMULTIHOP: Errno.MULTIHOP,
  ENAMETOOLONG: Errno.NAMETOOLONG, ENETDOWN: Errno.NETDOWN, ENETRESET: Errno.NETRESET,
  ENETUNREACH: Errno.NETUNREACH, ENFILE: Errno.NFILE, ENOBUFS: Errno.NOBUFS, ENODEV: Errno.NODEV,
  ENOENT: Errno.NOENT, ENOEXEC: Errno.NOEXEC, ENOLCK: Errno.NOLCK, ENOLINK: Errno.NOLINK, ENOMEM: Errno.NOMEM,
  ENOMSG: Errno.NOMSG, ENOPROTOOPT: Errno.NOPROTOOPT, ENOSPC: Errno.NOSPC, ENOSYS: Errno.NOSYS,
  ENOTCONN: Errno.NOTCONN, ENOTDIR: Errno.NOTDIR, ENOTEMPTY: Errno.NOTEMPTY,
  ENOTRECOVERABLE: Errno.NOTRECOVERABLE, ENOTSOCK: Errno.NOTSOCK, ENOTSUP: Errno.NOTSUP,
  EOPNOTSUPP: Errno.NOTSUP, ENOTTY: Errno.NOTTY, ENXIO: Errno.NXIO, EOVERFLOW: Errno.OVERFLOW,
  EOWNERDEAD: Errno.OWNERDEAD, EPERM: Errno.PERM, EPIPE: Errno.PIPE, EPROTO: Errno.PROTO,
  EPROTONOSUPPORT: Errno.PROTONOSUPPORT, EPROTOTYPE: Errno.PROTOTYPE, ERANGE: Errno.RANGE, EROFS: Errno.ROFS,
  ESPIPE: Errno.SPIPE, ESRCH: Errno.SRCH, ESTALE: Errno.STALE, ETIMEDOUT: Errno.TIMEDOUT,
  ETXTBSY: Errno.TXTBSY, EXDEV: Errno.XDEV,
};

/**
 * Maps anything a host API threw onto an errno. Unknown host errors become EIO: a guest never sees a JS
 * exception (STYLE habit 3).
 */
export function errnoFromHostError(err: unknown): Errno {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    const mapped = HOST_CODE_TO_ERRNO[code];
    if (mapped !== undefined) return mapped;
  }
  return Errno.IO;
}
