/**
 * WASI preview1 enum and flag values, from the witx definitions (mirrored in wasi-libc's `wasi/api.h`).
 * 64-bit flag sets (rights) are bigints because they arrive as wasm i64 values.
 */

export const Rights = {
  FD_DATASYNC: 1n << 0n,
  FD_READ: 1n << 1n,
  FD_SEEK: 1n << 2n,
  FD_FDSTAT_SET_FLAGS: 1n << 3n,
  FD_SYNC: 1n << 4n,
  FD_TELL: 1n << 5n,
  FD_WRITE: 1n << 6n,
  FD_ADVISE: 1n << 7n,
  FD_ALLOCATE: 1n << 8n,
  PATH_CREATE_DIRECTORY: 1n << 9n,
  PATH_CREATE_FILE: 1n << 10n,
  PATH_LINK_SOURCE: 1n << 11n,
  PATH_LINK_TARGET: 1n << 12n,
  PATH_OPEN: 1n << 13n,
  FD_READDIR: 1n << 14n,
  PATH_READLINK: 1n << 15n,
  PATH_RENAME_SOURCE: 1n << 16n,
  PATH_RENAME_TARGET: 1n << 17n,
  PATH_FILESTAT_GET: 1n << 18n,
  PATH_FILESTAT_SET_SIZE: 1n << 19n,
  PATH_FILESTAT_SET_TIMES: 1n << 20n,
  FD_FILESTAT_GET: 1n << 21n,
  FD_FILESTAT_SET_SIZE: 1n << 22n,
  FD_FILESTAT_SET_TIMES: 1n << 23n,
  PATH_SYMLINK: 1n << 24n,
  PATH_REMOVE_DIRECTORY: 1n << 25n,
  PATH_UNLINK_FILE: 1n << 26n,
  POLL_FD_READWRITE: 1n << 27n,
  SOCK_SHUTDOWN: 1n << 28n,
  SOCK_ACCEPT: 1n << 29n,
} as const;

/** Every defined right; bits outside this set are ignored on input (as wasmtime does) and never reported. */
export const RIGHTS_ALL: bigint = Object.values(Rights).reduce((a, b) => a | b, 0n);

/** Rights meaningful on a regular file. */
export const RIGHTS_REGULAR_FILE: bigint =
  Rights.FD_DATASYNC | Rights.FD_READ | Rights.FD_SEEK | Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC |
  Rights.FD_TELL | Rights.FD_WRITE | Rights.FD_ADVISE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_GET |
  Rights.FD_FILESTAT_SET_SIZE | Rights.FD_FILESTAT_SET_TIMES | Rights.POLL_FD_READWRITE;

/** Rights meaningful on a directory (as a base right). */
export const RIGHTS_DIRECTORY: bigint =
  Rights.FD_FDSTAT_SET_FLAGS | Rights.FD_SYNC | Rights.FD_ADVISE | Rights.PATH_CREATE_DIRECTORY |
  Rights.PATH_CREATE_FILE | Rights.PATH_LINK_SOURCE | Rights.PATH_LINK_TARGET | Rights.PATH_OPEN |
  Rights.FD_READDIR | Rights.PATH_READLINK | Rights.PATH_RENAME_SOURCE | Rights.PATH_RENAME_TARGET |
  Rights.PATH_FILESTAT_GET | Rights.PATH_FILESTAT_SET_SIZE | Rights.PATH_FILESTAT_SET_TIMES |
  Rights.FD_FILESTAT_GET | Rights.FD_FILESTAT_SET_TIMES | Rights.PATH_SYMLINK | Rights.PATH_REMOVE_DIRECTORY |
  Rights.PATH_UNLINK_FILE | Rights.POLL_FD_READWRITE;

/** What a directory may hand down to what is opened beneath it. */
export const RIGHTS_DIRECTORY_INHERITING: bigint = RIGHTS_DIRECTORY | RIGHTS_REGULAR_FILE;

/** Rights of a terminal or stream: no seek/tell, so wasi-libc's `isatty` can tell it from a file. */
export const RIGHTS_TTY: bigint =
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
