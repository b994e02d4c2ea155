/**
 * The preview1 import surface as data: each function's parameters, in order, with their ABI type. The import
 * object, tracing and the fuzz tests are derived from this table, and `Preview1Syscalls` (below) makes a missing
 * implementation a compile error.
 *
 * Parameter types:
 * - `fd`: a file descriptor (i32, read as unsigned)
 * - `ptr`: a guest address (i32, read as unsigned); `len`/`u32`: a 32-bit count or value (unsigned)
 * - `u8`/`u16`: a small enum or flag set passed as i32
 * - `u64`/`i64`: a wasm i64, arriving as a bigint
 * - `*_out` names mark pointers the call writes its result to.
 */
export type ParamType = 'fd' | 'ptr' | 'len' | 'u32' | 'u16' | 'u8' | 'u64' | 'i64';
export type Param = readonly [name: string, type: ParamType];

export const PREVIEW1_FUNCTIONS = {
  args_get: [['argv', 'ptr'], ['argv_buf', 'ptr']],
  args_sizes_get: [['argc_out', 'ptr'], ['argv_buf_size_out', 'ptr']],
  environ_get: [['environ', 'ptr'], ['environ_buf', 'ptr']],
  environ_sizes_get: [['count_out', 'ptr'], ['buf_size_out', 'ptr']],
  clock_res_get: [['id', 'u32'], ['resolution_out', 'ptr']],
  clock_time_get: [['id', 'u32'], ['precision', 'u64'], ['time_out', 'ptr']],
  fd_advise: [['fd', 'fd'], ['offset', 'u64'], ['len', 'u64'], ['advice', 'u8']],
  fd_allocate: [['fd', 'fd'], ['offset', 'u64'], ['len', 'u64']],
  fd_close: [['fd', 'fd']],
  fd_datasync: [['fd', 'fd']],
  fd_fdstat_get: [['fd', 'fd'], ['fdstat_out', 'ptr']],
  fd_fdstat_set_flags: [['fd', 'fd'], ['flags', 'u16']],
  fd_fdstat_set_rights: [['fd', 'fd'], ['fs_rights_base', 'u64'], ['fs_rights_inheriting', 'u64']],
  fd_filestat_get: [['fd', 'fd'], ['filestat_out', 'ptr']],
  fd_filestat_set_size: [['fd', 'fd'], ['size', 'u64']],
  fd_filestat_set_times: [['fd', 'fd'], ['atim', 'u64'], ['mtim', 'u64'], ['fst_flags', 'u16']],
  fd_pread: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['offset', 'u64'], ['nread_out', 'ptr']],
  fd_prestat_get: [['fd', 'fd'], ['prestat_out', 'ptr']],
  fd_prestat_dir_name: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']],
  fd_pwrite: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['offset', 'u64'], ['nwritten_out', 'ptr']],
  fd_read: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['nread_out', 'ptr']],
  fd_readdir: [['fd', 'fd'], ['buf', 'ptr'], ['buf_len', 'len'], ['cookie', 'u64'], ['bufused_out', 'ptr']],
  fd_renumber: [['fd', 'fd'], ['to', 'fd']],
  fd_seek: [['fd', 'fd'], ['offset', 'i64'], ['whence', 'u8'], ['newoffset_out', 'ptr']],
  fd_sync: [['fd', 'fd']],
  fd_tell: [['fd', 'fd'], ['offset_out', 'ptr']],
  fd_write: [['fd', 'fd'], ['iovs', 'ptr'], ['iovs_len', 'len'], ['nwritten_out', 'ptr']],
  path_create_directory: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']],
  path_filestat_get: [['fd', 'fd'], ['flags', 'u32'], ['path', 'ptr'], ['path_len', 'len'], ['filestat_out', 'ptr']],
  path_filestat_set_times: [
    ['fd', 'fd'], ['flags', 'u32'], ['path', 'ptr'], ['path_len', 'len'], ['atim', 'u64'], ['mtim', 'u64'],
    ['fst_flags', 'u16'],
  ],
  path_link: [
    ['old_fd', 'fd'], ['old_flags', 'u32'], ['old_path', 'ptr'], ['old_path_len', 'len'], ['new_fd', 'fd'],
    ['new_path', 'ptr'], ['new_path_len', 'len'],
  ],
  path_open: [
    ['fd', 'fd'], ['dirflags', 'u32'], ['path', 'ptr'], ['path_len', 'len'], ['oflags', 'u16'],
    ['fs_rights_base', 'u64'], ['fs_rights_inheriting', 'u64'], ['fdflags', 'u16'], ['fd_out', 'ptr'],
  ],
  path_readlink: [
    ['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len'], ['buf', 'ptr'], ['buf_len', 'len'], ['bufused_out', 'ptr'],
  ],
  path_remove_directory: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']],
  path_rename: [
    ['fd', 'fd'], ['old_path', 'ptr'], ['old_path_len', 'len'], ['new_fd', 'fd'], ['new_path', 'ptr'],
    ['new_path_len', 'len'],
  ],
  path_symlink: [['old_path', 'ptr'], ['old_path_len', 'len'], ['fd', 'fd'], ['new_path', 'ptr'], ['new_path_len', 'len']],
  path_unlink_file: [['fd', 'fd'], ['path', 'ptr'], ['path_len', 'len']],
  poll_oneoff: [['in', 'ptr'], ['out', 'ptr'], ['nsubscriptions', 'len'], ['nevents_out', 'ptr']],
  proc_exit: [['rval', 'u32']],
  proc_raise: [['sig', 'u8']],
  sched_yield: [],
  random_get: [['buf', 'ptr'], ['buf_len', 'len']],
  sock_accept: [['fd', 'fd'], ['flags', 'u16'], ['fd_out', 'ptr']],
  sock_recv: [
    ['fd', 'fd'], ['ri_data', 'ptr'], ['ri_data_len', 'len'], ['ri_flags', 'u16'], ['ro_datalen_out', 'ptr'],
    ['ro_flags_out', 'ptr'],
  ],
  sock_send: [['fd', 'fd'], ['si_data', 'ptr'], ['si_data_len', 'len'], ['si_flags', 'u16'], ['so_datalen_out', 'ptr']],
  sock_shutdown: [['fd', 'fd'], ['how', 'u8']],
} as const satisfies Record<string, readonly Param[]>;

export type Preview1Name = keyof typeof PREVIEW1_FUNCTIONS;

/** Snapshot 0 has every preview1 function but `sock_accept` (added in preview1), with the same parameters. */
export const UNSTABLE_FUNCTIONS = (() => {
  const { sock_accept: _omitted, ...rest } = PREVIEW1_FUNCTIONS;
  return rest;
})();
export type UnstableName = keyof typeof UNSTABLE_FUNCTIONS;

type JsType<T extends ParamType> = T extends 'u64' | 'i64' ? bigint : number;
type JsParams<P extends readonly Param[]> = { [I in keyof P]: P[I] extends readonly [string, infer T extends ParamType] ? JsType<T> : never };

/** The host functions of a preview1 import object, typed from the table: a missing one does not compile. */
export type Preview1Syscalls = {
  [K in Preview1Name]: (...args: JsParams<(typeof PREVIEW1_FUNCTIONS)[K]>) => number;
};
export type UnstableSyscalls = {
  [K in UnstableName]: (...args: JsParams<(typeof UNSTABLE_FUNCTIONS)[K]>) => number;
};
