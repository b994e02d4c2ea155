/* Timestamps: utimensat/futimens with nanoseconds, UTIME_NOW, UTIME_OMIT, AT_SYMLINK_NOFOLLOW, and the raw
 * fd_filestat_set_times / path_filestat_set_times flag checks.
 * Note: the wasi-libc on the build machine (2022-05) rejects UTIME_NOW and an all-UTIME_OMIT pair itself (EINVAL,
 * no syscall) and turns a NULL `times` into explicit zero timestamps, so "now" is tested with raw calls. */
#include "common.h"

#define NOW_ISH(ts) ((ts).tv_sec > 1577836800) /* after 2020: "now" rather than a value we set */

static void show_times(const char *label, const char *path, int flags) {
  struct stat st;
  errno = 0;
  if (fstatat(AT_FDCWD, path, &st, flags) < 0) { printf("%s: %s\n", label, errname(errno)); return; }
  printf("%s: atime ", label);
  if (NOW_ISH(st.st_atim)) printf("now"); else printf("%lld.%09ld", (long long)st.st_atim.tv_sec, st.st_atim.tv_nsec);
  printf(" mtime ");
  if (NOW_ISH(st.st_mtim)) printf("now"); else printf("%lld.%09ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
  printf("\n");
}

int main(void) {
  enter_sandbox();
  CHECK("write f", write_file("f", "x"));
  struct timespec t[2] = {{100, 123456789}, {200, 987654321}};
  CHECK("utimensat f", utimensat(AT_FDCWD, "f", t, 0));
  show_times("after set", "f", 0);
  struct timespec omit_a[2] = {{0, UTIME_OMIT}, {300, 5}};
  CHECK("utimensat atime OMIT", utimensat(AT_FDCWD, "f", omit_a, 0));
  show_times("after omit atime", "f", 0);
  struct timespec omit_both[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
  CHECK("utimensat both OMIT", utimensat(AT_FDCWD, "f", omit_both, 0));
  show_times("after omit both", "f", 0);
  struct timespec now_m[2] = {{400, 0}, {0, UTIME_NOW}};
  CHECK("utimensat mtime NOW", utimensat(AT_FDCWD, "f", now_m, 0));
  show_times("after mtime now", "f", 0);
  CHECK("utimensat NULL (both now)", utimensat(AT_FDCWD, "f", NULL, 0));
  show_times("after NULL", "f", 0);

  int fd = open("f", O_RDWR);
  struct timespec ft[2] = {{500, 1}, {600, 999999999}};
  CHECK("futimens", futimens(fd, ft));
  show_times("after futimens", "f", 0);
  struct timespec fomit[2] = {{700, 0}, {0, UTIME_OMIT}};
  CHECK("futimens mtime OMIT", futimens(fd, fomit));
  show_times("after futimens omit mtime", "f", 0);
  close(fd);

  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("utimensat dir", utimensat(AT_FDCWD, "d", t, 0));
  show_times("dir after set", "d", 0);
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  CHECK("futimens dir fd", futimens(dfd, ft));
  show_times("dir after futimens", "d", 0);
  close(dfd);

  CHECK("symlink s -> f", symlink("f", "s"));
  struct timespec lt[2] = {{800, 8}, {900, 9}};
  CHECK("utimensat s AT_SYMLINK_NOFOLLOW", utimensat(AT_FDCWD, "s", lt, AT_SYMLINK_NOFOLLOW));
  show_times("link after nofollow set", "s", AT_SYMLINK_NOFOLLOW);
  show_times("target after nofollow set", "f", 0);
  CHECK("utimensat s (follow)", utimensat(AT_FDCWD, "s", t, 0));
  show_times("target after follow set", "f", 0);
  CHECK("utimensat missing", utimensat(AT_FDCWD, "missing", t, 0));

  /* Raw calls: setting a time both explicitly and to now is EINVAL. */
  __wasi_fd_t root = sandbox_fd();
  fd = open("f", O_RDWR);
  WASI("fd_filestat_set_times ATIM|ATIM_NOW",
       __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  WASI("fd_filestat_set_times MTIM|MTIM_NOW",
       __wasi_fd_filestat_set_times(fd, 1, 1, __WASI_FSTFLAGS_MTIM | __WASI_FSTFLAGS_MTIM_NOW));
  WASI("fd_filestat_set_times no flags", __wasi_fd_filestat_set_times(fd, 1, 1, 0));
  show_times("after no-flag set", "f", 0);
  WASI("fd_filestat_set_times MTIM only", __wasi_fd_filestat_set_times(fd, 0, 1000000000123ull, __WASI_FSTFLAGS_MTIM));
  show_times("after raw MTIM", "f", 0);
  WASI("fd_filestat_set_times ATIM_NOW|MTIM_NOW",
       __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  show_times("after raw both now", "f", 0);
  WASI("path_filestat_set_times ATIM 5ns, MTIM_NOW",
       __wasi_path_filestat_set_times(root, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "f", 5, 0,
                                      __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM_NOW));
  show_times("after raw atime 5ns", "f", 0);
  WASI("fd_filestat_set_times bad fd", __wasi_fd_filestat_set_times(99, 1, 1, __WASI_FSTFLAGS_ATIM));
  WASI("path_filestat_set_times ATIM|ATIM_NOW",
       __wasi_path_filestat_set_times(root, 0, "f", 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  close(fd);
  return 0;
}
