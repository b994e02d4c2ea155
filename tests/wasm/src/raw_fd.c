/* Raw fd_* calls that libc hides: prestat names and short buffers, fd_renumber, rights, fdstat flags,
 * fd_allocate/advise/sync, proc_raise, sched_yield and sock_* on non-sockets. */
#include "common.h"

/* proc_raise is gone from wasi-libc's header but is still a preview1 import. */
__attribute__((import_module("wasi_snapshot_preview1"), import_name("proc_raise")))
extern uint16_t raw_proc_raise(uint32_t sig);

int main(void) {
  enter_sandbox();
  __wasi_fd_t root = sandbox_fd();
  __wasi_prestat_t pre;
  WASI("fd_prestat_get sandbox", __wasi_fd_prestat_get(root, &pre));
  printf("prestat tag dir: %s name_len: %u\n", pre.tag == __WASI_PREOPENTYPE_DIR ? "yes" : "no",
         (unsigned)pre.u.dir.pr_name_len);
  char name[32];
  memset(name, '#', sizeof name);
  WASI("fd_prestat_dir_name exact buffer", __wasi_fd_prestat_dir_name(root, (uint8_t *)name, pre.u.dir.pr_name_len));
  printf("prestat name: \"%.*s\" byte after: '%c'\n", (int)pre.u.dir.pr_name_len, name, name[pre.u.dir.pr_name_len]);
  WASI("fd_prestat_dir_name short buffer", __wasi_fd_prestat_dir_name(root, (uint8_t *)name, 4));
  WASI("fd_prestat_dir_name zero buffer", __wasi_fd_prestat_dir_name(root, (uint8_t *)name, 0));
  WASI("fd_prestat_get stdin", __wasi_fd_prestat_get(0, &pre));
  WASI("fd_prestat_get bad fd", __wasi_fd_prestat_get(99, &pre));
  CHECK("mkdir d", mkdir("d", 0755));
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  WASI("fd_prestat_get opened dir", __wasi_fd_prestat_get(dfd, &pre));

  /* fd_renumber onto stderr: later writes to fd 2 land in the file. */
  int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0644);
  WASI("fd_renumber bad source", __wasi_fd_renumber(99, fd));
  WASI("fd_renumber to itself", __wasi_fd_renumber(fd, fd));
  WASI("fd_renumber f -> 2", __wasi_fd_renumber(fd, 2));
  const char *msg = "written via fd 2";
  CHECK_VAL("write fd 2", write(2, msg, strlen(msg)));
  CHECK("close old fd number", close(fd));
  CHECK("close fd 2", close(2));
  show_file("file contents", "f");
  CHECK("write to closed fd 2", write(2, "x", 1));

  /* Rights: narrowing is allowed, widening again is not, and the dropped right is enforced. */
  fd = open("f", O_RDWR);
  __wasi_fdstat_t fs;
  WASI("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
  __wasi_rights_t all = fs.fs_rights_base;
  WASI("fd_fdstat_set_rights drop FD_WRITE",
       __wasi_fd_fdstat_set_rights(fd, all & ~__WASI_RIGHTS_FD_WRITE, fs.fs_rights_inheriting));
  WASI("fd_fdstat_get after narrowing", __wasi_fd_fdstat_get(fd, &fs));
  YESNO("FD_WRITE gone", !(fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
  CHECK("write after dropping FD_WRITE", write(fd, "x", 1));
  WASI("fd_fdstat_set_rights widen again", __wasi_fd_fdstat_set_rights(fd, all, fs.fs_rights_inheriting));
  WASI("fd_fdstat_set_rights bad fd", __wasi_fd_fdstat_set_rights(99, 0, 0));
  close(fd);

  /* fdstat flags. */
  fd = open("f", O_RDWR);
  WASI("fd_fdstat_set_flags APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
  WASI("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
  YESNO("flags has APPEND", fs.fs_flags & __WASI_FDFLAGS_APPEND);
  WASI("fd_fdstat_set_flags 0", __wasi_fd_fdstat_set_flags(fd, 0));
  WASI("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
  YESNO("flags has APPEND after clearing", fs.fs_flags & __WASI_FDFLAGS_APPEND);
  WASI("fd_fdstat_set_flags bad fd", __wasi_fd_fdstat_set_flags(99, 0));
  WASI("fd_fdstat_get bad fd", __wasi_fd_fdstat_get(99, &fs));
  WASI("fd_fdstat_get dir", __wasi_fd_fdstat_get(dfd, &fs));
  YESNO("dir filetype is directory", fs.fs_filetype == __WASI_FILETYPE_DIRECTORY);
  WASI("fd_fdstat_get preopen", __wasi_fd_fdstat_get(root, &fs));
  YESNO("preopen rights has PATH_OPEN", fs.fs_rights_base & __WASI_RIGHTS_PATH_OPEN);

  /* Miscellaneous fd calls. */
  WASI("fd_advise", __wasi_fd_advise(fd, 0, 10, __WASI_ADVICE_NORMAL));
  WASI("fd_advise bad fd", __wasi_fd_advise(99, 0, 10, __WASI_ADVICE_NORMAL));
  WASI("fd_allocate", __wasi_fd_allocate(fd, 0, 100));
  WASI("fd_allocate bad fd", __wasi_fd_allocate(99, 0, 100));
  WASI("fd_sync", __wasi_fd_sync(fd));
  WASI("fd_datasync", __wasi_fd_datasync(fd));
  WASI("fd_sync bad fd", __wasi_fd_sync(99));
  __wasi_filesize_t pos = 0;
  WASI("fd_tell", __wasi_fd_tell(fd, &pos));
  WASI("fd_tell bad fd", __wasi_fd_tell(99, &pos));
  WASI("fd_filestat_set_size on dir", __wasi_fd_filestat_set_size(dfd, 0));
  __wasi_filestat_t st;
  WASI("fd_filestat_get", __wasi_fd_filestat_get(fd, &st));
  YESNO("filestat regular", st.filetype == __WASI_FILETYPE_REGULAR_FILE);
  WASI("fd_filestat_get bad fd", __wasi_fd_filestat_get(99, &st));
  WASI("fd_close preopen-derived dir", __wasi_fd_close(dfd));
  WASI("fd_close again", __wasi_fd_close(dfd));

  /* Process and scheduling. Signal 0 is "no signal", harmless everywhere. */
  WASI("sched_yield", __wasi_sched_yield());
  WASI("proc_raise 0", raw_proc_raise(0));

  /* Sockets: none exist, so a file is not a socket and a missing fd is EBADF. */
  __wasi_iovec_t riov = {(uint8_t *)name, sizeof name};
  __wasi_ciovec_t siov = {(const uint8_t *)"x", 1};
  __wasi_size_t n = 0;
  __wasi_roflags_t ro = 0;
  __wasi_fd_t newfd;
  WASI("sock_recv on a file", __wasi_sock_recv(fd, &riov, 1, 0, &n, &ro));
  WASI("sock_send on a file", __wasi_sock_send(fd, &siov, 1, 0, &n));
  WASI("sock_shutdown on a file", __wasi_sock_shutdown(fd, __WASI_SDFLAGS_RD));
  WASI("sock_accept on a file", __wasi_sock_accept(fd, 0, &newfd));
  WASI("sock_recv bad fd", __wasi_sock_recv(99, &riov, 1, 0, &n, &ro));
  WASI("sock_send bad fd", __wasi_sock_send(99, &siov, 1, 0, &n));
  WASI("sock_shutdown bad fd", __wasi_sock_shutdown(99, __WASI_SDFLAGS_RD));
  WASI("sock_accept bad fd", __wasi_sock_accept(99, 0, &newfd));
  close(fd);
  return 0;
}
