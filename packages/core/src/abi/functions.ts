import {
  Advice, Clockid, Fdflags, FDFLAGS_ALL, Fstflags, FSTFLAGS_ALL, Lookupflags, LOOKUPFLAGS_ALL, Oflags, OFLAGS_ALL,
  Riflags, RIFLAGS_ALL, Rights, Sdflags, SDFLAGS_ALL, SIGNAL_MAX, UnstableWhence, Whence,
} from './constants';

/**
 * The preview1 import surface as data: each function's parameters, in order, with the *kind* of value each one
 * is. The import object (the argument checks and conversions of `adapter.ts`), the tracer's decoding, the
 * bad-input and wrong-signature matrices and the fuzz test are all derived from this table, and
 * `Preview1Syscalls` / `Preview1Impl` (below) make a missing or mistyped implementation a compile error.
 *
 * A parameter is `[name, kind, spec?]`. Kinds carried as a wasm `i32` (a JS number, read as unsigned):
 * - `fd`: a file descriptor, looked up once in the fd table; spec: which fd kind it must be and the rights it
 *   must hold (`FdSpec`). The implementation receives the entry (`none`: the number, for calls that operate on
 *   the table itself).
 * - `flags`: a bit set; any bit outside `spec.mask` is EINVAL. `enum`: a value above `spec.max` is EINVAL.
 * - `u32`: a plain value (an exit code).
 * - `out`: where the call writes a result of `spec.size` (`u32`, `u64`, `fd`, or an ABI struct of `layouts.ts`).
 * - `path`, `buf`, `iovs`, `ciovs`: a pointer whose next parameter (kind `len`) is its byte length (path, buf)
 *   or its element count (iovs: buffers the call fills, ciovs: the guest's data). A path is decoded to a string
 *   (EFAULT, EILSEQ, EINVAL for a NUL byte); a buffer is bounds-checked (spec `{ out: 'text' }`: the call
 *   writes text there); an iovec array is checked along with every buffer it names.
 * - `array`: a pointer to `count` structs `spec.of`, where `spec.count` names the count parameter.
 * - `ptr`: an address whose extent only the implementation knows (args_get's argv array).
 * Kinds carried as a wasm `i64` (a JS bigint): `u64` (made unsigned), `i64` (signed), `rights` (converted to
 * vos's internal rights number, undefined bits dropped as wasmtime does).
 *
 * Every parameter's JS type is checked first (an `i64` where an `i32` is declared arrives as a bigint, an `f64`
 * as NaN or a fraction, and a narrower import signature leaves arguments `undefined`): EINVAL, as node:wasi.
 */
export type ParamKind =
  | 'fd' | 'flags' | 'enum' | 'u32' | 'out' | 'path' | 'buf' | 'iovs' | 'ciovs' | 'array' | 'len' | 'ptr'
  | 'u64' | 'i64' | 'rights';

/** Which fds an `fd` parameter accepts. */
export interface FdSpec {
  /**
   * `any`: any open fd; `file`: a file or a stream (a directory is EBADF, as wasmtime); `dir`: a directory (a
   * file is ENOTDIR, a stream EBADF); `none`: not looked up (the implementation operates on the table).
   */
  readonly fd: 'any' | 'file' | 'dir' | 'none';
  /** Rights the fd must hold: missing ones are ENOTCAPABLE (EBADF when the open mode itself lacks them). */
  readonly rights: number;
}
export interface FlagsSpec {
  readonly mask: number;
  /** Flag names, for the tracer. */
  readonly names: Readonly<Record<string, number>>;
}
export interface EnumSpec {
  readonly max: number;
  readonly names: Readonly<Record<string, number>>;
  /** Names under snapshot 0, where they differ (whence). */
  readonly unstableNames?: Readonly<Record<string, number>>;
}
/** Fixed-size results: scalars, and the ABI structs whose sizes come from the instance's layout. */
export type OutType = 'u32' | 'u64' | 'fd' | 'fdstat' | 'filestat' | 'prestat';
export interface OutSpec {
  readonly size: OutType;
}
export interface ArraySpec {
  readonly of: 'subscription' | 'event';
  readonly count: string;
}
export interface BufSpec {
  readonly out: 'text';
}
/**
 * A `u64` that is only a hint the implementation ignores (clock_time_get's `precision`): its type is checked,
 * its value passed as it came, which keeps a bigint comparison off the hottest call.
 */
export interface HintSpec {
  readonly hint: true;
}
export type ParamSpec = FdSpec | FlagsSpec | EnumSpec | OutSpec | ArraySpec | BufSpec | HintSpec;
export type Param = readonly [name: string, kind: ParamKind, spec?: ParamSpec];

/** `ParamType` is the old name of `ParamKind`. */
export type ParamType = ParamKind;

const R = Rights;
const fd = <F extends FdSpec['fd'], N extends number>(kind: F, rights: N) => ({ fd: kind, rights }) as const;
const OUT_U32 = { size: 'u32' } as const;
const OUT_U64 = { size: 'u64' } as const;
const LOOKUP = { mask: LOOKUPFLAGS_ALL, names: Lookupflags } as const;
const FDFLAGS = { mask: FDFLAGS_ALL, names: Fdflags } as const;
const FSTFLAGS = { mask: FSTFLAGS_ALL, names: Fstflags } as const;
const CLOCK_ID = { max: 3, names: Clockid } as const;

export const PREVIEW1_FUNCTIONS = {
  args_get: [['argv', 'ptr'], ['argv_buf', 'ptr']],
  args_sizes_get: [['argc_out', 'out', OUT_U32], ['argv_buf_size_out', 'out', OUT_U32]],
  environ_get: [['environ', 'ptr'], ['environ_buf', 'ptr']],
  environ_sizes_get: [['count_out', 'out', OUT_U32], ['buf_size_out', 'out', OUT_U32]],
  clock_res_get: [['id', 'enum', CLOCK_ID], ['resolution_out', 'out', OUT_U64]],
  clock_time_get: [['id', 'enum', CLOCK_ID], ['precision', 'u64', { hint: true }], ['time_out', 'out', OUT_U64]],
  fd_advise: [['fd', 'fd', fd('file', R.FD_ADVISE)], ['offset', 'u64'], ['len', 'u64'], ['advice', 'enum', { max: 5, names: Advice }]],
  fd_allocate: [['fd', 'fd', fd('file', R.FD_ALLOCATE)], ['offset', 'u64'], ['len', 'u64']],
  fd_close: [['fd', 'fd', fd('none', 0)]],
  fd_datasync: [['fd', 'fd', fd('any', R.FD_DATASYNC)]],
  fd_fdstat_get: [['fd', 'fd', fd('any', 0)], ['fdstat_out', 'out', { size: 'fdstat' }]],
  fd_fdstat_set_flags: [['fd', 'fd', fd('any', R.FD_FDSTAT_SET_FLAGS)], ['flags', 'flags', FDFLAGS]],
  fd_fdstat_set_rights: [['fd', 'fd', fd('any', 0)], ['fs_rights_base', 'rights'], ['fs_rights_inheriting', 'rights']],
  fd_filestat_get: [['fd', 'fd', fd('any', R.FD_FILESTAT_GET)], ['filestat_out', 'out', { size: 'filestat' }]],
  fd_filestat_set_size: [['fd', 'fd', fd('file', R.FD_FILESTAT_SET_SIZE)], ['size', 'u64']],
  fd_filestat_set_times: [
    ['fd', 'fd', fd('any', R.FD_FILESTAT_SET_TIMES)], ['atim', 'u64'], ['mtim', 'u64'], ['fst_flags', 'flags', FSTFLAGS],
  ],
  fd_pread: [
    ['fd', 'fd', fd('file', R.FD_READ | R.FD_SEEK)], ['iovs', 'iovs'], ['iovs_len', 'len'], ['offset', 'u64'],
    ['nread_out', 'out', OUT_U32],
  ],
  fd_prestat_get: [['fd', 'fd', fd('any', 0)], ['prestat_out', 'out', { size: 'prestat' }]],
  fd_prestat_dir_name: [['fd', 'fd', fd('any', 0)], ['path', 'buf', { out: 'text' }], ['path_len', 'len']],
  fd_pwrite: [
    ['fd', 'fd', fd('file', R.FD_WRITE | R.FD_SEEK)], ['iovs', 'ciovs'], ['iovs_len', 'len'], ['offset', 'u64'],
    ['nwritten_out', 'out', OUT_U32],
  ],
  fd_read: [['fd', 'fd', fd('file', R.FD_READ)], ['iovs', 'iovs'], ['iovs_len', 'len'], ['nread_out', 'out', OUT_U32]],
  fd_readdir: [
    ['fd', 'fd', fd('dir', R.FD_READDIR)], ['buf', 'buf'], ['buf_len', 'len'], ['cookie', 'u64'],
    ['bufused_out', 'out', OUT_U32],
  ],
  fd_renumber: [['fd', 'fd', fd('none', 0)], ['to', 'fd', fd('none', 0)]],
  // The rights fd_seek needs depend on its arguments (telling needs only FD_TELL): the implementation checks them.
  fd_seek: [
    ['fd', 'fd', fd('file', 0)], ['offset', 'i64'], ['whence', 'enum', { max: 2, names: Whence, unstableNames: UnstableWhence }],
    ['newoffset_out', 'out', OUT_U64],
  ],
  fd_sync: [['fd', 'fd', fd('any', R.FD_SYNC)]],
  fd_tell: [['fd', 'fd', fd('file', 0)], ['offset_out', 'out', OUT_U64]],
  fd_write: [['fd', 'fd', fd('file', R.FD_WRITE)], ['iovs', 'ciovs'], ['iovs_len', 'len'], ['nwritten_out', 'out', OUT_U32]],
  path_create_directory: [['fd', 'fd', fd('dir', R.PATH_CREATE_DIRECTORY)], ['path', 'path'], ['path_len', 'len']],
  path_filestat_get: [
    ['fd', 'fd', fd('dir', R.PATH_FILESTAT_GET)], ['flags', 'flags', LOOKUP], ['path', 'path'], ['path_len', 'len'],
    ['filestat_out', 'out', { size: 'filestat' }],
  ],
  path_filestat_set_times: [
    ['fd', 'fd', fd('dir', R.PATH_FILESTAT_SET_TIMES)], ['flags', 'flags', LOOKUP], ['path', 'path'], ['path_len', 'len'],
    ['atim', 'u64'], ['mtim', 'u64'], ['fst_flags', 'flags', FSTFLAGS],
  ],
  path_link: [
    ['old_fd', 'fd', fd('dir', R.PATH_LINK_SOURCE)], ['old_flags', 'flags', LOOKUP], ['old_path', 'path'],
    ['old_path_len', 'len'], ['new_fd', 'fd', fd('dir', R.PATH_LINK_TARGET)], ['new_path', 'path'], ['new_path_len', 'len'],
  ],
  // Creating or truncating needs more rights than PATH_OPEN: the implementation checks those from `oflags`.
  path_open: [
    ['fd', 'fd', fd('dir', R.PATH_OPEN)], ['dirflags', 'flags', LOOKUP], ['path', 'path'], ['path_len', 'len'],
    ['oflags', 'flags', { mask: OFLAGS_ALL, names: Oflags }], ['fs_rights_base', 'rights'],
    ['fs_rights_inheriting', 'rights'], ['fdflags', 'flags', FDFLAGS], ['fd_out', 'out', { size: 'fd' }],
  ],
  path_readlink: [
    ['fd', 'fd', fd('dir', R.PATH_READLINK)], ['path', 'path'], ['path_len', 'len'], ['buf', 'buf'], ['buf_len', 'len'],
    ['bufused_out', 'out', OUT_U32],
  ],
  path_remove_directory: [['fd', 'fd', fd('dir', R.PATH_REMOVE_DIRECTORY)], ['path', 'path'], ['path_len', 'len']],
  path_rename: [
    ['fd', 'fd', fd('dir', R.PATH_RENAME_SOURCE)], ['old_path', 'path'], ['old_path_len', 'len'],
    ['new_fd', 'fd', fd('dir', R.PATH_RENAME_TARGET)], ['new_path', 'path'], ['new_path_len', 'len'],
  ],
  path_symlink: [
    ['old_path', 'path'], ['old_path_len', 'len'], ['fd', 'fd', fd('dir', R.PATH_SYMLINK)], ['new_path', 'path'],
    ['new_path_len', 'len'],
  ],
  path_unlink_file: [['fd', 'fd', fd('dir', R.PATH_UNLINK_FILE)], ['path', 'path'], ['path_len', 'len']],
  poll_oneoff: [
    ['in', 'array', { of: 'subscription', count: 'nsubscriptions' }], ['out', 'array', { of: 'event', count: 'nsubscriptions' }],
    ['nsubscriptions', 'len'], ['nevents_out', 'out', OUT_U32],
  ],
  proc_exit: [['rval', 'u32']],
  proc_raise: [['sig', 'enum', { max: SIGNAL_MAX, names: {} }]],
  sched_yield: [],
  random_get: [['buf', 'buf'], ['buf_len', 'len']],
  sock_accept: [['fd', 'fd', fd('any', 0)], ['flags', 'flags', { mask: Fdflags.NONBLOCK, names: Fdflags }], ['fd_out', 'out', { size: 'fd' }]],
  sock_recv: [
    ['fd', 'fd', fd('any', 0)], ['ri_data', 'iovs'], ['ri_data_len', 'len'], ['ri_flags', 'flags', { mask: RIFLAGS_ALL, names: Riflags }],
    ['ro_datalen_out', 'out', OUT_U32], ['ro_flags_out', 'out', { size: 'u32' }],
  ],
  sock_send: [
    ['fd', 'fd', fd('any', 0)], ['si_data', 'ciovs'], ['si_data_len', 'len'], ['si_flags', 'flags', { mask: 0, names: {} }],
    ['so_datalen_out', 'out', OUT_U32],
  ],
  sock_shutdown: [['fd', 'fd', fd('any', 0)], ['how', 'flags', { mask: SDFLAGS_ALL, names: Sdflags }]],
} as const satisfies Record<string, readonly Param[]>;

export type Preview1Name = keyof typeof PREVIEW1_FUNCTIONS;

/** Functions that work before the guest's memory is bound (node:wasi lets `proc_exit` through). */
export const NEEDS_NO_MEMORY: ReadonlySet<string> = new Set(['proc_exit']);

/** Snapshot 0 has every preview1 function but `sock_accept` (added in preview1), with the same parameters. */
export const UNSTABLE_FUNCTIONS = (() => {
  const { sock_accept: _omitted, ...rest } = PREVIEW1_FUNCTIONS;
  return rest;
})();
export type UnstableName = keyof typeof UNSTABLE_FUNCTIONS;

/** The wasm value type a parameter arrives as. */
export function wireType(kind: ParamKind): 'i32' | 'i64' {
  return kind === 'u64' || kind === 'i64' || kind === 'rights' ? 'i64' : 'i32';
}

/** Whether a parameter is a guest address (the kinds the bad-pointer matrix swaps for out-of-range ones). */
export function isPointer(kind: ParamKind): boolean {
  return kind === 'out' || kind === 'path' || kind === 'buf' || kind === 'iovs' || kind === 'ciovs' || kind === 'array' || kind === 'ptr';
}

// ---- types derived from the table ----

type Wire<K> = K extends 'u64' | 'i64' | 'rights' ? bigint : number;
type RawParams<P extends readonly Param[]> = { [I in keyof P]: P[I] extends readonly [string, infer K, ...unknown[]] ? Wire<K> : never };

/** The host functions of a preview1 import object, typed from the table: a missing one does not compile. */
export type Preview1Syscalls = {
  [K in Preview1Name]: (...args: RawParams<(typeof PREVIEW1_FUNCTIONS)[K]>) => number;
};
export type UnstableSyscalls = {
  [K in UnstableName]: (...args: RawParams<(typeof UNSTABLE_FUNCTIONS)[K]>) => number;
};

/**
 * What an implementation receives for a parameter, once the adapter has checked and converted it. `Fd` maps an
 * fd spec's kind to the fd type (supplied by the syscall layer, which owns the fd table's types).
 */
export interface FdTypes {
  any: unknown;
  file: unknown;
  dir: unknown;
}
type Checked<P, F extends FdTypes> = P extends readonly [string, 'fd', { readonly fd: infer K }]
  ? K extends keyof F ? F[K] : number
  : P extends readonly [string, 'path', ...unknown[]] ? string
  : P extends readonly [string, 'rights', ...unknown[]] ? number
  : P extends readonly [string, infer K, ...unknown[]] ? Wire<K>
  : never;
/** A path's length parameter is consumed by the adapter: the implementation gets the decoded string only. */
export type CheckedParams<P, F extends FdTypes> = P extends readonly [infer H, ...infer Rest]
  ? H extends readonly [string, 'path', ...unknown[]]
    ? Rest extends readonly [unknown, ...infer AfterLen] ? [string, ...CheckedParams<AfterLen, F>] : never
    : [Checked<H, F>, ...CheckedParams<Rest, F>]
  : [];
