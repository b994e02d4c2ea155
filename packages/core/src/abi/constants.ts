/**
 * WASI preview1 enum and flag values, from the witx definitions (mirrored in wasi-libc's `wasi/api.h`).
 * Rights are a 64-bit set on the wire, but every defined right is below bit 30, so inside vos they are plain
 * numbers (small integers: no BigInt allocation when a syscall checks them); `rightsFromWire`/`rightsToWire`
 * convert at the ABI boundary.
 */

export const Rights = {
  FD_DATASYNC: 0x1,
  FD_READ: 0x2,
  FD_SEEK: 0x4,
  FD_FDSTAT_SET_FLAGS: 0x8,
  FD_SYNC: 0x10,
  FD_TELL: 0x20,
  FD_WRITE: 0x40,
  FD_ADVISE: 0x80,
  FD_ALLOCATE: 0x100,
  PATH_CREATE_DIRECTORY: 0x200,
  PATH_CREATE_FILE: 0x400,
  PATH_LINK_SOURCE: 0x800,
  PATH_LINK_TARGET: 0x1000,
  PATH_OPEN: 0x2000,
  FD_READDIR: 0x4000,
  PATH_READLINK: 0x8000,
  PATH_RENAME_SOURCE: 0x10000,
  PATH_RENAME_TARGET: 0x20000,
  PATH_FILESTAT_GET: 0x40000,
  PATH_FILESTAT_SET_SIZE: 0x80000,
  PATH_FILESTAT_SET_TIMES: 0x100000,
  FD_FILESTAT_GET: 0x200000,
  FD_FILESTAT_SET_SIZE: 0x400000,
  FD_FILESTAT_SET_TIMES: 0x800000,
  PATH_SYMLINK: 0x1000000,
  PATH_REMOVE_DIRECTORY: 0x2000000,
  PATH_UNLINK_FILE: 0x4000000,
  POLL_FD_READWRITE: 0x8000000,
  SOCK_SHUTDOWN: 0x10000000,
  SOCK_ACCEPT: 0x20000000,
} as const;

/** Every defined right; bits outside this set are ignored on input (as wasmtime does) and never reported. */
export const RIGHTS_ALL: number = Object.values(Rights).reduce((a: number, b: number) => a | b, 0);

/** Drops undefined bits (as wasmtime does) and converts to the internal number form. */
export function rightsFromWire(rights: bigint): number {
  return Number(rights & RIGHTS_ALL_WIRE);
}
const RIGHTS_ALL_WIRE = BigInt(RIGHTS_ALL);

export function rightsToWire(rights: number): bigint {
  return BigInt(rights >>> 0);
}

/** Rights meaningful on a regular file. */
export const RIGHTS_REGULAR_FILE: number =
  Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/** Rights meaningful on a directory (as a base right). */
export const RIGHTS_DIRECTORY: number =
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_ADVISE | Rights.PATH_CREATE_DIRECTORY |
  Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN |
  Rights.FD_READDIR | Rights.PATH_READLINK | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET |
  Rights.PATH_FILESTAT_GET | Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY |
  Rights.PATH_UNLINK_FILE | Rights.POLL_FD_READWRITE;

/** What a directory may hand down to what is opened beneath it. */
export const RIGHTS_DIRECTORY_INHERITING: number = RIGHTS_DIRECTORY | RIGHTS_REGULAR_FILE;

/** Rights that change something: what a read-only filesystem's fds do not report. */
export const RIGHTS_MUTATING: number =
  Rights.FD_DATASYNC | Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE |
  Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_CREATE_DIRECTORY | Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE |
  Rights.PATH_LINK_TARGET | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET | Rights.PATH_FILESTAT_SET_SIZE |
  Rights.PATH_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY | Rights.PATH_UNLINK_FILE;

/** Rights of a terminal or stream: no seek/tell, so wasi-libc's `isatty` can tell it from a file. */
export const RIGHTS_TTY: number =
  Rights.FD_READ | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_WRITE | Rights.FD_FILESTAT_GET |
  Rights.POLL_FD_READWRITE;

export const Filetype = {
  UNKNOWN: 0,
  BLOCK_DEVICE: 1,
  CHARACTER_DEVICE: 2,
  DIRECTORY: 3,
  REGULAR_FILE: 4,
  SOCKET_DGRAM: 5,
  SOCKET_STREAM: 6,
  SYMBOLIC_LINK: 7,
} as const;
export type Filetype = (typeof Filetype)[keyof typeof Filetype];

/** preview1 whence values. Snapshot 0 orders them differently: see `UnstableWhence`. */
export const Whence = { SET: 0, CUR: 1, END: 2 } as const;
/** Snapshot 0 (`wasi_unstable`) whence values: CUR, END, SET. */
export const UnstableWhence = { CUR: 0, END: 1, SET: 2 } as const;

export const Advice = { NORMAL: 0, SEQUENTIAL: 1, RANDOM: 2, WILLNEED: 3, DONTNEED: 4, NOREUSE: 5 } as const;

export const Fdflags = { APPEND: 1, DSYNC: 2, NONBLOCK: 4, RSYNC: 8, SYNC: 16 } as const;
export const FDFLAGS_ALL = 0x1f;

export const Fstflags = { ATIM: 1, ATIM_NOW: 2, MTIM: 4, MTIM_NOW: 8 } as const;
export const FSTFLAGS_ALL = 0xf;

export const Lookupflags = { SYMLINK_FOLLOW: 1 } as const;
export const LOOKUPFLAGS_ALL = 0x1;

export const Oflags = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
export const OFLAGS_ALL = 0xf;

export const Clockid = { REALTIME: 0, MONOTONIC: 1, PROCESS_CPUTIME_ID: 2, THREAD_CPUTIME_ID: 3 } as const;
export type Clockid = (typeof Clockid)[keyof typeof Clockid];

export const Eventtype = { CLOCK: 0, FD_READ: 1, FD_WRITE: 2 } as const;
export const Eventrwflags = { FD_READWRITE_HANGUP: 1 } as const;
export const Subclockflags = { SUBSCRIPTION_CLOCK_ABSTIME: 1 } as const;
export const SUBCLOCKFLAGS_ALL = 0x1;

export const Riflags = { RECV_PEEK: 1, RECV_WAITALL: 2 } as const;
export const RIFLAGS_ALL = 0x3;
export const Roflags = { RECV_DATA_TRUNCATED: 1 } as const;
export const Sdflags = { RD: 1, WR: 2 } as const;
export const SDFLAGS_ALL = 0x3;
export const Preopentype = { DIR: 0 } as const;

/** Highest defined signal number (SIGSYS = 30) for `proc_raise`. */
export const SIGNAL_MAX = 30;
