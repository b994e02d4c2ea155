/*
 * Shared helpers for the vos wasm test programs.
 *
 * Every check prints exactly one line, `label: result`, so a golden file pins the exact outcome. Errors are
 * printed by NAME (`ENOENT`), never by number or strerror text: wasi-libc's errno values are the WASI errno
 * values (errno 44 == __WASI_ERRNO_NOENT), so the same table serves libc calls and raw __wasi_* calls.
 * Nothing host-dependent (inode numbers, timestamps, fd numbers) is printed; compare and print yes/no instead.
 */
#ifndef VOS_TEST_COMMON_H
#define VOS_TEST_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *const errno_names[] = {
    "OK", "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EAFNOSUPPORT", "EAGAIN", "EALREADY",
    "EBADF", "EBADMSG", "EBUSY", "ECANCELED", "ECHILD", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET",
    "EDEADLK", "EDESTADDRREQ", "EDOM", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTUNREACH",
    "EIDRM", "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "ELOOP",
    "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP", "ENAMETOOLONG", "ENETDOWN", "ENETRESET",
    "ENETUNREACH", "ENFILE", "ENOBUFS", "ENODEV", "ENOENT", "ENOEXEC", "ENOLCK", "ENOLINK",
    "ENOMEM", "ENOMSG", "ENOPROTOOPT", "ENOSPC", "ENOSYS", "ENOTCONN", "ENOTDIR", "ENOTEMPTY",
    "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENXIO", "EOVERFLOW", "EOWNERDEAD", "EPERM",
    "EPIPE", "EPROTO", "EPROTONOSUPPORT", "EPROTOTYPE", "ERANGE", "EROFS", "ESPIPE", "ESRCH",
    "ESTALE", "ETIMEDOUT", "ETXTBSY", "EXDEV", "ENOTCAPABLE",
};

static inline const char *errname(int e) {
  static char unknown[24];
  if (e >= 0 && e < (int)(sizeof errno_names / sizeof errno_names[0])) return errno_names[e];
  snprintf(unknown, sizeof unknown, "E?%d", e);
  return unknown;
}

/* A libc call that returns -1 and sets errno on failure: prints `label: ok` or `label: ENAME`. */
#define CHECK(label, expr)                                                                     \
  do {                                                                                         \
    errno = 0;                                                                                 \
    long check_r_ = (long)(expr);                                                              \
    if (check_r_ < 0) printf("%s: %s\n", (label), errname(errno));                           \
    else printf("%s: ok\n", (label));                                                          \
  } while (0)

/* Like CHECK, but prints the non-negative result (a byte count, an offset). */
#define CHECK_VAL(label, expr)                                                                 \
  do {                                                                                         \
    errno = 0;                                                                                 \
    long check_r_ = (long)(expr);                                                              \
    if (check_r_ < 0) printf("%s: %s\n", (label), errname(errno));                           \
    else printf("%s: %ld\n", (label), check_r_);                                               \
  } while (0)

/* A raw __wasi_* call, which returns the errno itself (0 on success). */
#define WASI(label, expr)                                                                      \
  do {                                                                                         \
    __wasi_errno_t wasi_e_ = (expr);                                                           \
    printf("%s: %s\n", (label), wasi_e_ ? errname(wasi_e_) : "ok");                            \
  } while (0)

/* Prints `label: yes` or `label: no`. */
#define YESNO(label, cond) printf("%s: %s\n", (label), (cond) ? "yes" : "no")

/* Every program works inside the `/sandbox` preopen; relative paths resolve against it after this. */
static inline void enter_sandbox(void) {
  if (chdir("/sandbox") != 0) {
    printf("chdir /sandbox: %s\n", errname(errno));
    exit(70);
  }
}

/* Creates (or truncates) `path` with `text`; returns 0 or -1 with errno set. */
static inline int write_file(const char *path, const char *text) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return -1;
  size_t len = strlen(text);
  ssize_t n = write(fd, text, len);
  int saved = errno;
  close(fd);
  errno = saved;
  return n == (ssize_t)len ? 0 : -1;
}

/* Reads up to `cap - 1` bytes of `path` into `buf` (NUL-terminated); returns the count or -1. */
static inline long read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return -1;
  ssize_t n = read(fd, buf, cap - 1);
  int saved = errno;
  close(fd);
  errno = saved;
  if (n < 0) return -1;
  buf[n] = 0;
  return n;
}

/* Prints `label: "contents"` or `label: ENAME`. */
static inline void show_file(const char *label, const char *path) {
  char buf[256];
  errno = 0;
  if (read_file(path, buf, sizeof buf) < 0) printf("%s: %s\n", label, errname(errno));
  else printf("%s: \"%s\"\n", label, buf);
}

/* Returns the raw preopen fd for `/sandbox` (the first preopen), for raw __wasi_* path calls. */
static inline __wasi_fd_t sandbox_fd(void) {
  for (__wasi_fd_t fd = 3; fd < 64; fd++) {
    __wasi_prestat_t pre;
    if (__wasi_fd_prestat_get(fd, &pre) == 0) return fd;
  }
  printf("no preopen found\n");
  exit(70);
}

#endif
