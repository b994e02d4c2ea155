/* fd_* on regular files: open errors, read/write, seek/tell, pread/pwrite, truncate, append, fdstat. */
#include "common.h"

static void show_fd_read(const char *label, int fd, size_t n) {
  char buf[64] = {0};
  errno = 0;
  ssize_t r = read(fd, buf, n);
  if (r < 0) { printf("%s: %s\n", label, errname(errno)); return; }
  printf("%s: %zd \"", label, r);
  for (ssize_t i = 0; i < r; i++) {
    if (buf[i] == 0) printf("\\0");
    else putchar(buf[i]);
  }
  printf("\"\n");
}

int main(void) {
  enter_sandbox();
  CHECK("open missing", open("missing", O_RDONLY));
  CHECK("open empty path", open("", O_RDONLY));
  int fd = open("f", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK("create f", fd);
  CHECK_VAL("write 5", write(fd, "hello", 5));
  CHECK_VAL("write 0", write(fd, "", 0));
  CHECK("read from write-only fd", read(fd, (char[4]){0}, 4));
  CHECK("open O_CREAT|O_EXCL existing", open("f", O_WRONLY | O_CREAT | O_EXCL, 0644));
  CHECK("open f O_DIRECTORY", open("f", O_RDONLY | O_DIRECTORY));
  CHECK("close", close(fd));
  CHECK("close again", close(fd));

  fd = open("f", O_RDONLY);
  CHECK("open f read-only", fd);
  CHECK("write to read-only fd", write(fd, "x", 1));
  show_fd_read("read 3", fd, 3);
  CHECK_VAL("tell after read 3", lseek(fd, 0, SEEK_CUR));
  show_fd_read("read rest", fd, 10);
  show_fd_read("read at eof", fd, 10);
  CHECK_VAL("seek set 1", lseek(fd, 1, SEEK_SET));
  CHECK_VAL("seek cur +2", lseek(fd, 2, SEEK_CUR));
  CHECK_VAL("seek end -1", lseek(fd, -1, SEEK_END));
  show_fd_read("read after seek end -1", fd, 10);
  CHECK_VAL("seek end +10 (past eof)", lseek(fd, 10, SEEK_END));
  CHECK("seek set -1", lseek(fd, -1, SEEK_SET));
  CHECK("seek cur to negative", lseek(fd, -100, SEEK_CUR));
  CHECK_VAL("tell after failed seeks", lseek(fd, 0, SEEK_CUR));
  CHECK("seek bad whence", lseek(fd, 0, 17));
  struct stat st;
  CHECK("fstat", fstat(fd, &st));
  printf("fstat size: %lld regular: %s nlink: %llu\n", (long long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no",
         (unsigned long long)st.st_nlink);
  __wasi_fdstat_t fs;
  WASI("fd_fdstat_get", __wasi_fd_fdstat_get(fd, &fs));
  printf("fdstat filetype regular: %s\n", fs.fs_filetype == __WASI_FILETYPE_REGULAR_FILE ? "yes" : "no");
  printf("fdstat flags: %u\n", (unsigned)fs.fs_flags);
  YESNO("rights has FD_READ", fs.fs_rights_base & __WASI_RIGHTS_FD_READ);
  YESNO("rights has FD_WRITE", fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE);
  YESNO("rights has FD_SEEK", fs.fs_rights_base & __WASI_RIGHTS_FD_SEEK);
  CHECK("close read-only", close(fd));

  /* pread/pwrite leave the position alone. */
  fd = open("f", O_RDWR);
  CHECK("open f read-write", fd);
  CHECK_VAL("seek set 2", lseek(fd, 2, SEEK_SET));
  char buf[16] = {0};
  CHECK_VAL("pread 3 at 1", pread(fd, buf, 3, 1));
  printf("pread data: \"%s\"\n", buf);
  CHECK_VAL("tell after pread", lseek(fd, 0, SEEK_CUR));
  CHECK_VAL("pwrite 2 at 0", pwrite(fd, "HE", 2, 0));
  CHECK_VAL("tell after pwrite", lseek(fd, 0, SEEK_CUR));
  CHECK_VAL("pread past eof", pread(fd, buf, 4, 100));
  CHECK("pread negative offset", pread(fd, buf, 1, -1));
  CHECK_VAL("pwrite at 7 (hole)", pwrite(fd, "Z", 1, 7));
  CHECK_VAL("seek set 0", lseek(fd, 0, SEEK_SET));
  show_fd_read("read with hole", fd, 16);

  /* truncate: grow fills with zeros, shrink drops bytes; the position is not moved. */
  CHECK("ftruncate 10 (grow)", ftruncate(fd, 10));
  CHECK("fstat after grow", fstat(fd, &st));
  printf("size after grow: %lld\n", (long long)st.st_size);
  CHECK_VAL("pread grown tail", pread(fd, buf, 16, 8));
  printf("grown tail is zero: %s\n", buf[0] == 0 && buf[1] == 0 ? "yes" : "no");
  CHECK("ftruncate 3 (shrink)", ftruncate(fd, 3));
  CHECK("fstat after shrink", fstat(fd, &st));
  printf("size after shrink: %lld\n", (long long)st.st_size);
  CHECK_VAL("tell after truncate", lseek(fd, 0, SEEK_CUR));
  CHECK("ftruncate negative", ftruncate(fd, -1));
  CHECK("truncate by path", truncate("f", 2));
  show_file("contents after truncate 2", "f");
  CHECK("fsync", fsync(fd));
  CHECK("fdatasync", fdatasync(fd));
  CHECK("posix_fadvise", (errno = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)) ? -1 : 0);
  CHECK("close read-write", close(fd));

  /* O_APPEND: writes land at the end whatever the position; F_GETFL reports it. */
  CHECK("write_file a", write_file("a", "abc"));
  fd = open("a", O_WRONLY | O_APPEND);
  CHECK("open a O_APPEND", fd);
  int fl = fcntl(fd, F_GETFL);
  YESNO("F_GETFL has O_APPEND", fl >= 0 && (fl & O_APPEND));
  YESNO("F_GETFL access mode is O_WRONLY", fl >= 0 && (fl & O_ACCMODE) == O_WRONLY);
  CHECK_VAL("seek set 0 before append", lseek(fd, 0, SEEK_SET));
  CHECK_VAL("append write", write(fd, "de", 2));
  CHECK_VAL("tell after append", lseek(fd, 0, SEEK_CUR));
  CHECK_VAL("pwrite at 0 in append mode", pwrite(fd, "Q", 1, 0));
  CHECK("close a", close(fd));
  show_file("contents after append", "a");
  fd = open("a", O_WRONLY);
  CHECK("F_SETFL O_APPEND", fcntl(fd, F_SETFL, O_APPEND));
  fl = fcntl(fd, F_GETFL);
  YESNO("F_GETFL has O_APPEND after F_SETFL", fl >= 0 && (fl & O_APPEND));
  CHECK_VAL("write after F_SETFL", write(fd, "!", 1));
  close(fd);
  show_file("contents after F_SETFL append", "a");

  /* Directory fds are not files. */
  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("open d O_WRONLY", open("d", O_WRONLY));
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  CHECK("open d O_DIRECTORY", dfd);
  CHECK("read on directory fd", read(dfd, buf, 4));
  CHECK("write on directory fd", write(dfd, "x", 1));
  CHECK("lseek on directory fd", lseek(dfd, 0, SEEK_CUR));
  CHECK("ftruncate on directory fd", ftruncate(dfd, 0));
  CHECK("fstat directory fd", fstat(dfd, &st));
  YESNO("fstat directory is dir", S_ISDIR(st.st_mode));
  close(dfd);

  /* Bad descriptors. */
  CHECK("read bad fd", read(99, buf, 1));
  CHECK("write bad fd", write(99, "x", 1));
  CHECK("lseek bad fd", lseek(99, 0, SEEK_SET));
  CHECK("fstat bad fd", fstat(99, &st));
  CHECK("close bad fd", close(99));
  CHECK("lseek stdout", lseek(1, 0, SEEK_CUR));
  return 0;
}
