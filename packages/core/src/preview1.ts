import type { Preview1Syscalls } from './abi/functions';
import type { SyscallContext } from './context';
import * as args from './syscalls/args';
import * as clock from './syscalls/clock';
import * as fd from './syscalls/fd';
import * as path from './syscalls/path';
import * as poll from './syscalls/poll';
import * as proc from './syscalls/proc';
import * as random from './syscalls/random';
import * as sock from './syscalls/sock';

/**
 * The `wasi_snapshot_preview1` import object for one instance: each function closes over the context and
 * forwards wasm's raw arguments. Typed by `Preview1Syscalls`, derived from the ABI table, so a missing or
 * mistyped syscall is a compile error.
 */
export function preview1Imports(c: SyscallContext): Preview1Syscalls {
  return {
    args_get: (a, b) => args.args_get(c, a, b),
    args_sizes_get: (a, b) => args.args_sizes_get(c, a, b),
    environ_get: (a, b) => args.environ_get(c, a, b),
    environ_sizes_get: (a, b) => args.environ_sizes_get(c, a, b),
    clock_res_get: (id, out) => clock.clock_res_get(c, id, out),
    clock_time_get: (id, precision, out) => clock.clock_time_get(c, id, precision, out),
    fd_advise: (f, o, l, a) => fd.fd_advise(c, f, o, l, a),
    fd_allocate: (f, o, l) => fd.fd_allocate(c, f, o, l),
    fd_close: (f) => fd.fd_close(c, f),
    fd_datasync: (f) => fd.fd_datasync(c, f),
    fd_fdstat_get: (f, out) => fd.fd_fdstat_get(c, f, out),
    fd_fdstat_set_flags: (f, flags) => fd.fd_fdstat_set_flags(c, f, flags),
    fd_fdstat_set_rights: (f, b, i) => fd.fd_fdstat_set_rights(c, f, b, i),
    fd_filestat_get: (f, out) => fd.fd_filestat_get(c, f, out),
    fd_filestat_set_size: (f, size) => fd.fd_filestat_set_size(c, f, size),
    fd_filestat_set_times: (f, a, m, flags) => fd.fd_filestat_set_times(c, f, a, m, flags),
    fd_pread: (f, iovs, n, off, out) => fd.fd_pread(c, f, iovs, n, off, out),
    fd_prestat_get: (f, out) => fd.fd_prestat_get(c, f, out),
    fd_prestat_dir_name: (f, p, l) => fd.fd_prestat_dir_name(c, f, p, l),
    fd_pwrite: (f, iovs, n, off, out) => fd.fd_pwrite(c, f, iovs, n, off, out),
    fd_read: (f, iovs, n, out) => fd.fd_read(c, f, iovs, n, out),
    fd_readdir: (f, buf, len, cookie, out) => fd.fd_readdir(c, f, buf, len, cookie, out),
    fd_renumber: (f, to) => fd.fd_renumber(c, f, to),
    fd_seek: (f, off, whence, out) => fd.fd_seek(c, f, off, whence, out),
    fd_sync: (f) => fd.fd_sync(c, f),
    fd_tell: (f, out) => fd.fd_tell(c, f, out),
    fd_write: (f, iovs, n, out) => fd.fd_write(c, f, iovs, n, out),
    path_create_directory: (f, p, l) => path.path_create_directory(c, f, p, l),
    path_filestat_get: (f, flags, p, l, out) => path.path_filestat_get(c, f, flags, p, l, out),
    path_filestat_set_times: (f, flags, p, l, a, m, fst) => path.path_filestat_set_times(c, f, flags, p, l, a, m, fst),
    path_link: (of, ofl, op, ol, nf, np, nl) => path.path_link(c, of, ofl, op, ol, nf, np, nl),
    path_open: (f, df, p, l, of, rb, ri, ff, out) => path.path_open(c, f, df, p, l, of, rb, ri, ff, out),
    path_readlink: (f, p, l, buf, bl, out) => path.path_readlink(c, f, p, l, buf, bl, out),
    path_remove_directory: (f, p, l) => path.path_remove_directory(c, f, p, l),
    path_rename: (f, op, ol, nf, np, nl) => path.path_rename(c, f, op, ol, nf, np, nl),
    path_symlink: (op, ol, f, np, nl) => path.path_symlink(c, op, ol, f, np, nl),
    path_unlink_file: (f, p, l) => path.path_unlink_file(c, f, p, l),
    poll_oneoff: (i, o, n, out) => poll.poll_oneoff(c, i, o, n, out),
    proc_exit: (code) => proc.proc_exit(c, code),
    proc_raise: (sig) => proc.proc_raise(c, sig),
    sched_yield: () => proc.sched_yield(c),
    random_get: (buf, len) => random.random_get(c, buf, len),
    sock_accept: (f, flags, out) => sock.sock_accept(c, f, flags, out),
    sock_recv: (f, d, l, fl, o1, o2) => sock.sock_recv(c, f, d, l, fl, o1, o2),
    sock_send: (f, d, l, fl, o) => sock.sock_send(c, f, d, l, fl, o),
    sock_shutdown: (f, how) => sock.sock_shutdown(c, f, how),
  };
}
