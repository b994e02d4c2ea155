/*
 * vos_fs: the few Linux `*at` calls @vos/fs-node needs on directory fds, as a Node-API addon.
 *
 * Every function is synchronous, takes plain numbers, strings and typed arrays, writes its results into typed
 * arrays the caller owns, and returns a number: >= 0 on success, -errno on failure. Nothing throws for bad input:
 * a wrong argument type is -EINVAL and an out-of-range buffer slice is -EFAULT (JS callers are our own code, but a
 * slip must not become memory corruption). No state is kept between calls, so the addon is safe in workers.
 *
 * The trust model is the core's: the walker decides symlinks and `..`, one component at a time. The resolve flags
 * callers pass to openat2 (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, plus RESOLVE_NO_SYMLINKS where the walker must
 * see links itself) make the kernel refuse, race-free, any resolution that would leave the directory: the second
 * wall.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <node_api.h>

#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_renameat2
#define SYS_renameat2 316
#endif

#define MAX_ARGS 8
/* WASI's limit on iovecs per call (and Linux's IOV_MAX). */
#define MAX_IOVS 1024

typedef struct {
  napi_env env;
  size_t argc;
  napi_value argv[MAX_ARGS];
} call_t;

static int get_call(napi_env env, napi_callback_info info, call_t *c) {
  c->env = env;
  c->argc = MAX_ARGS;
  return napi_get_cb_info(env, info, &c->argc, c->argv, NULL, NULL) == napi_ok ? 0 : -EINVAL;
}

static napi_value ret(napi_env env, int64_t v) {
  napi_value out;
  if (v >= INT32_MIN && v <= INT32_MAX) napi_create_int32(env, (int32_t)v, &out);
  else napi_create_int64(env, v, &out);
  return out;
}

static int arg_i32(call_t *c, size_t i, int32_t *out) {
  if (i >= c->argc) return -EINVAL;
  return napi_get_value_int32(c->env, c->argv[i], out) == napi_ok ? 0 : -EINVAL;
}

/* An integral double (or a value up to 2^63) as int64; NaN, strings, etc. are -EINVAL. */
static int arg_i64(call_t *c, size_t i, int64_t *out) {
  if (i >= c->argc) return -EINVAL;
  return napi_get_value_int64(c->env, c->argv[i], out) == napi_ok ? 0 : -EINVAL;
}

static int is_nullish(call_t *c, size_t i) {
  napi_valuetype t;
  if (i >= c->argc) return 1;
  if (napi_typeof(c->env, c->argv[i], &t) != napi_ok) return 0;
  return t == napi_null || t == napi_undefined;
}

/*
 * A path argument as a NUL-terminated UTF-8 string in `buf` (PATH_MAX + 1 bytes). -ENAMETOOLONG when it cannot
 * fit in PATH_MAX (the kernel would refuse it anyway), -EINVAL for a non-string or an embedded NUL (which would
 * silently cut the name short).
 */
static int arg_path(call_t *c, size_t i, char *buf) {
  size_t len = 0;
  if (i >= c->argc) return -EINVAL;
  if (napi_get_value_string_utf8(c->env, c->argv[i], buf, PATH_MAX + 1, &len) != napi_ok) return -EINVAL;
  if (len >= PATH_MAX) return -ENAMETOOLONG;
  if (strlen(buf) != len) return -EINVAL;
  return 0;
}

/* A typed array argument of the given element type: its data and element count. */
static int arg_array(call_t *c, size_t i, napi_typedarray_type want, void **data, size_t *length) {
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  bool is;
  if (i >= c->argc) return -EINVAL;
  if (napi_is_typedarray(c->env, c->argv[i], &is) != napi_ok || !is) return -EINVAL;
  if (napi_get_typedarray_info(c->env, c->argv[i], &type, length, data, &ab, &offset) != napi_ok) return -EINVAL;
  if (type != want) return -EINVAL;
  if (*length > 0 && *data == NULL) return -EFAULT; /* detached */
  return 0;
}

/* `[off, off + len)` lies within a byte array of `size` bytes. */
static int in_bounds(int64_t off, int64_t len, size_t size) {
  return off >= 0 && len >= 0 && (uint64_t)off <= size && (uint64_t)len <= size - (uint64_t)off;
}

#define CHECK(expr)              \
  do {                           \
    int err_ = (expr);           \
    if (err_ < 0) return ret(env, err_); \
  } while (0)

#define SYSRET(expr) ret(env, (expr) < 0 ? -errno : 0)

/* A time as ns in *ns; 0 when that does not fit in 64 bits (past the year 2262 or before 1678). */
static int ts_ns(struct timespec ts, int64_t *ns) {
  int64_t v;
  if (__builtin_mul_overflow((int64_t)ts.tv_sec, (int64_t)1000000000, &v)) return 0;
  if (__builtin_add_overflow(v, (int64_t)ts.tv_nsec, &v)) return 0;
  *ns = v;
  return 1;
}

/*
 * Layout of the stat record (BigInt64Array, 16 slots): dev, ino, mode, nlink, size, atim, mtim, ctim (ns), then a
 * bit set (1 atim, 2 mtim, 4 ctim) of the times whose ns did not fit in 64 bits, then every time as (sec, nsec).
 */
static void fill_stat(int64_t *out, const struct stat *st) {
  const struct timespec *t[3] = {&st->st_atim, &st->st_mtim, &st->st_ctim};
  out[0] = (int64_t)st->st_dev;
  out[1] = (int64_t)st->st_ino;
  out[2] = (int64_t)st->st_mode;
  out[3] = (int64_t)st->st_nlink;
  out[4] = (int64_t)st->st_size;
  out[8] = 0;
  for (int i = 0; i < 3; i++) {
    if (!ts_ns(*t[i], &out[5 + i])) {
      out[5 + i] = 0;
      out[8] |= 1 << i;
    }
    out[9 + 2 * i] = (int64_t)t[i]->tv_sec;
    out[10 + 2 * i] = (int64_t)t[i]->tv_nsec;
  }
}

/*
 * openat2(dirfd, path, oflags, mode, resolve[, modeOut: Int32Array]) -> fd | -errno.
 * O_CLOEXEC is always added. With `modeOut`, the new fd is fstat'ed and its st_mode written to modeOut[0] (saves
 * a second crossing for the common "what did I open" question); if that fstat fails the fd is closed.
 */
static napi_value js_openat2(napi_env env, napi_callback_info info) {
  call_t c;
  char path[PATH_MAX + 1];
  int32_t dirfd, oflags, mode, resolve;
  int32_t *mode_out = NULL;
  size_t n = 0;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &dirfd));
  CHECK(arg_path(&c, 1, path));
  CHECK(arg_i32(&c, 2, &oflags));
  CHECK(arg_i32(&c, 3, &mode));
  CHECK(arg_i32(&c, 4, &resolve));
  if (!is_nullish(&c, 5)) {
    CHECK(arg_array(&c, 5, napi_int32_array, (void **)&mode_out, &n));
    if (n < 1) return ret(env, -EINVAL);
  }
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)(uint32_t)oflags | O_CLOEXEC;
  how.mode = ((oflags & O_CREAT) || (oflags & O_TMPFILE) == O_TMPFILE) ? (uint64_t)(mode & 07777) : 0;
  how.resolve = (uint64_t)(uint32_t)resolve;
  long fd = syscall(SYS_openat2, dirfd, path, &how, sizeof how);
  if (fd < 0) return ret(env, -errno);
  if (mode_out != NULL) {
    struct stat st;
    if (fstat((int)fd, &st) < 0) {
      int e = errno;
      close((int)fd);
      return ret(env, -e);
    }
    mode_out[0] = (int32_t)st.st_mode;
  }
  return ret(env, fd);
}

/*
 * fstatat(dirfd, path, flags, out: BigInt64Array(16)) and fstat(fd, out) -> 0 | -errno: the stat record (see
 * fill_stat) of `path` in `dirfd`, or of the fd itself.
 */
static napi_value stat_into(napi_env env, napi_callback_info info, int at) {
  call_t c;
  char path[PATH_MAX + 1];
  int32_t fd, flags = 0;
  int64_t *out;
  size_t n, i = 1;
  struct stat st;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &fd));
  if (at) {
    CHECK(arg_path(&c, 1, path));
    CHECK(arg_i32(&c, 2, &flags));
    i = 3;
  }
  CHECK(arg_array(&c, i, napi_bigint64_array, (void **)&out, &n));
  if (n < 16) return ret(env, -EINVAL);
  if ((at ? fstatat(fd, path, &st, flags) : fstat(fd, &st)) < 0) return ret(env, -errno);
  fill_stat(out, &st);
  return ret(env, 0);
}

static napi_value js_fstatat(napi_env env, napi_callback_info info) { return stat_into(env, info, 1); }
static napi_value js_fstat(napi_env env, napi_callback_info info) { return stat_into(env, info, 0); }

/* mkdirat(dirfd, path, mode) and unlinkat(dirfd, path, flags: 0 or AT_REMOVEDIR) -> 0 | -errno. */
static napi_value dir_path_int(napi_env env, napi_callback_info info, int unlink) {
  call_t c;
  char path[PATH_MAX + 1];
  int32_t dirfd, n;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &dirfd));
  CHECK(arg_path(&c, 1, path));
  CHECK(arg_i32(&c, 2, &n));
  return SYSRET(unlink ? unlinkat(dirfd, path, n) : mkdirat(dirfd, path, (mode_t)(n & 07777)));
}

static napi_value js_mkdirat(napi_env env, napi_callback_info info) { return dir_path_int(env, info, 0); }
static napi_value js_unlinkat(napi_env env, napi_callback_info info) { return dir_path_int(env, info, 1); }

/*
 * renameat2(olddirfd, oldpath, newdirfd, newpath, flags) and linkat(olddirfd, oldpath, newdirfd, newpath, flags)
 * -> 0 | -errno (linkat's flags 0: the source is not followed).
 */
static napi_value two_paths(napi_env env, napi_callback_info info, int link) {
  call_t c;
  char oldpath[PATH_MAX + 1], newpath[PATH_MAX + 1];
  int32_t olddir, newdir, flags;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &olddir));
  CHECK(arg_path(&c, 1, oldpath));
  CHECK(arg_i32(&c, 2, &newdir));
  CHECK(arg_path(&c, 3, newpath));
  CHECK(arg_i32(&c, 4, &flags));
  if (link) return SYSRET(linkat(olddir, oldpath, newdir, newpath, flags));
  return SYSRET(syscall(SYS_renameat2, olddir, oldpath, newdir, newpath, (unsigned)flags));
}

static napi_value js_renameat2(napi_env env, napi_callback_info info) { return two_paths(env, info, 0); }
static napi_value js_linkat(napi_env env, napi_callback_info info) { return two_paths(env, info, 1); }

/* symlinkat(target, dirfd, path) -> 0 | -errno. The target is stored as given. */
static napi_value js_symlinkat(napi_env env, napi_callback_info info) {
  call_t c;
  char target[PATH_MAX + 1], path[PATH_MAX + 1];
  int32_t dirfd;
  CHECK(get_call(env, info, &c));
  CHECK(arg_path(&c, 0, target));
  CHECK(arg_i32(&c, 1, &dirfd));
  CHECK(arg_path(&c, 2, path));
  return SYSRET(symlinkat(target, dirfd, path));
}

/* readlinkat(dirfd, path, buf: Uint8Array) -> length | -errno. A length equal to buf.length may be truncated. */
static napi_value js_readlinkat(napi_env env, napi_callback_info info) {
  call_t c;
  char path[PATH_MAX + 1];
  int32_t dirfd;
  uint8_t *buf;
  size_t n;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &dirfd));
  CHECK(arg_path(&c, 1, path));
  CHECK(arg_array(&c, 2, napi_uint8_array, (void **)&buf, &n));
  ssize_t r = readlinkat(dirfd, path, (char *)buf, n);
  return ret(env, r < 0 ? -errno : r);
}

/*
 * utimensat(dirfd, path | null, flags, atimSec, atimNsec, mtimSec, mtimNsec) -> 0 | -errno.
 * A nsec of -1 leaves that time untouched (UTIME_OMIT). A null path sets the times of `dirfd` itself (futimens),
 * which works for any fd, directory or file.
 */
static napi_value js_utimensat(napi_env env, napi_callback_info info) {
  call_t c;
  char path[PATH_MAX + 1];
  int32_t dirfd, flags;
  int64_t as, an, ms, mn;
  struct timespec ts[2];
  int has_path;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &dirfd));
  has_path = !is_nullish(&c, 1);
  if (has_path) CHECK(arg_path(&c, 1, path));
  CHECK(arg_i32(&c, 2, &flags));
  CHECK(arg_i64(&c, 3, &as));
  CHECK(arg_i64(&c, 4, &an));
  CHECK(arg_i64(&c, 5, &ms));
  CHECK(arg_i64(&c, 6, &mn));
  if (an < -1 || an > 999999999 || mn < -1 || mn > 999999999) return ret(env, -EINVAL);
  ts[0].tv_sec = (time_t)as;
  ts[0].tv_nsec = an < 0 ? UTIME_OMIT : (long)an;
  ts[1].tv_sec = (time_t)ms;
  ts[1].tv_nsec = mn < 0 ? UTIME_OMIT : (long)mn;
  if (has_path) return SYSRET(utimensat(dirfd, path, ts, flags));
  return SYSRET(futimens(dirfd, ts));
}

/*
 * getdents64(fd, buf: Uint8Array, rewind) -> bytes | -errno: raw `struct linux_dirent64` records (d_ino u64,
 * d_off s64, d_reclen u16, d_type u8, d_name NUL-terminated), 0 at the end. `rewind` seeks to the start first, so
 * one call sequence lists the directory whole whatever was read from the fd before.
 */
static napi_value js_getdents64(napi_env env, napi_callback_info info) {
  call_t c;
  int32_t fd, rewind;
  uint8_t *buf;
  size_t n;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &fd));
  CHECK(arg_array(&c, 1, napi_uint8_array, (void **)&buf, &n));
  CHECK(arg_i32(&c, 2, &rewind));
  if (rewind && lseek(fd, 0, SEEK_SET) < 0) return ret(env, -errno);
  long r = syscall(SYS_getdents64, fd, buf, n > INT32_MAX ? INT32_MAX : n);
  return ret(env, r < 0 ? -errno : r);
}

/* pread/pwrite(fd, buf: Uint8Array, off, len, pos) -> bytes | -errno. A negative pos uses the fd's offset. */
static napi_value rw(napi_env env, napi_callback_info info, int is_write) {
  call_t c;
  int32_t fd;
  uint8_t *buf;
  size_t n;
  int64_t off, len, pos;
  ssize_t r;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &fd));
  CHECK(arg_array(&c, 1, napi_uint8_array, (void **)&buf, &n));
  CHECK(arg_i64(&c, 2, &off));
  CHECK(arg_i64(&c, 3, &len));
  CHECK(arg_i64(&c, 4, &pos));
  if (!in_bounds(off, len, n)) return ret(env, -EFAULT);
  if (len > INT32_MAX) len = INT32_MAX;
  if (is_write) r = pos < 0 ? write(fd, buf + off, (size_t)len) : pwrite(fd, buf + off, (size_t)len, (off_t)pos);
  else r = pos < 0 ? read(fd, buf + off, (size_t)len) : pread(fd, buf + off, (size_t)len, (off_t)pos);
  return ret(env, r < 0 ? -errno : r);
}

static napi_value js_pread(napi_env env, napi_callback_info info) { return rw(env, info, 0); }
static napi_value js_pwrite(napi_env env, napi_callback_info info) { return rw(env, info, 1); }

/*
 * preadv/pwritev(fd, mem: Uint8Array, iovs, count, pos) -> bytes | -errno, straight from a wasm32 guest's memory:
 * `iovs` is the offset in `mem` of `count` (ptr u32, len u32) little-endian pairs, every one of which must lie in
 * `mem` (-EFAULT otherwise, before any I/O). At most 1024 iovecs (-EINVAL beyond). A negative pos uses the fd's
 * offset (readv/writev).
 */
static napi_value rwv(napi_env env, napi_callback_info info, int is_write) {
  call_t c;
  int32_t fd;
  uint8_t *mem;
  size_t n;
  int64_t iovs, count, pos;
  struct iovec vec[MAX_IOVS];
  ssize_t r;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &fd));
  CHECK(arg_array(&c, 1, napi_uint8_array, (void **)&mem, &n));
  CHECK(arg_i64(&c, 2, &iovs));
  CHECK(arg_i64(&c, 3, &count));
  CHECK(arg_i64(&c, 4, &pos));
  if (count < 0 || count > MAX_IOVS) return ret(env, -EINVAL);
  if (!in_bounds(iovs, count * 8, n)) return ret(env, -EFAULT);
  for (int64_t i = 0; i < count; i++) {
    const uint8_t *e = mem + iovs + i * 8;
    uint32_t p = (uint32_t)e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24;
    uint32_t l = (uint32_t)e[4] | (uint32_t)e[5] << 8 | (uint32_t)e[6] << 16 | (uint32_t)e[7] << 24;
    if (!in_bounds(p, l, n)) return ret(env, -EFAULT);
    vec[i].iov_base = mem + p;
    vec[i].iov_len = l;
  }
  if (is_write) r = pos < 0 ? writev(fd, vec, (int)count) : pwritev(fd, vec, (int)count, (off_t)pos);
  else r = pos < 0 ? readv(fd, vec, (int)count) : preadv(fd, vec, (int)count, (off_t)pos);
  return ret(env, r < 0 ? -errno : r);
}

static napi_value js_preadv(napi_env env, napi_callback_info info) { return rwv(env, info, 0); }
static napi_value js_pwritev(napi_env env, napi_callback_info info) { return rwv(env, info, 1); }

/* close(fd) -> 0 | -errno (the fd is released either way). */
static napi_value js_close(napi_env env, napi_callback_info info) {
  call_t c;
  int32_t fd;
  CHECK(get_call(env, info, &c));
  CHECK(arg_i32(&c, 0, &fd));
  return SYSRET(close(fd));
}

static void set_int(napi_env env, napi_value obj, const char *name, int64_t v) {
  napi_set_named_property(env, obj, name, ret(env, v));
}

static napi_value init(napi_env env, napi_value exports) {
  static const struct {
    const char *name;
    napi_callback fn;
  } fns[] = {
      {"openat2", js_openat2},     {"fstatat", js_fstatat},       {"fstat", js_fstat},
      {"mkdirat", js_mkdirat},     {"unlinkat", js_unlinkat},     {"renameat2", js_renameat2},
      {"linkat", js_linkat},       {"symlinkat", js_symlinkat},   {"readlinkat", js_readlinkat},
      {"utimensat", js_utimensat}, {"getdents64", js_getdents64}, {"pread", js_pread},
      {"pwrite", js_pwrite},       {"preadv", js_preadv},         {"pwritev", js_pwritev},
      {"close", js_close},
  };
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    if (napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f) != napi_ok) return NULL;
    if (napi_set_named_property(env, exports, fns[i].name, f) != napi_ok) return NULL;
  }
  set_int(env, exports, "RESOLVE_BENEATH", RESOLVE_BENEATH);
  set_int(env, exports, "RESOLVE_NO_MAGICLINKS", RESOLVE_NO_MAGICLINKS);
  set_int(env, exports, "RESOLVE_NO_SYMLINKS", RESOLVE_NO_SYMLINKS);
  set_int(env, exports, "RESOLVE_NO_XDEV", RESOLVE_NO_XDEV);
  set_int(env, exports, "AT_FDCWD", AT_FDCWD);
  set_int(env, exports, "AT_SYMLINK_NOFOLLOW", AT_SYMLINK_NOFOLLOW);
  set_int(env, exports, "AT_REMOVEDIR", AT_REMOVEDIR);
  set_int(env, exports, "AT_EMPTY_PATH", AT_EMPTY_PATH);
  set_int(env, exports, "O_PATH", O_PATH);
  set_int(env, exports, "ABI", 1);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
