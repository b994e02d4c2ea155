/* fds 0, 1 and 2: reading stdin to EOF, writing stdout and stderr, and what each refuses. */
#include "common.h"

int main(void) {
  char buf[4096];
  size_t total = 0;
  ssize_t n;
  int reads = 0;
  while ((n = read(0, buf + total, sizeof buf - 1 - total)) > 0) { total += n; reads++; }
  if (n < 0) printf("read stdin: %s\n", errname(errno));
  buf[total] = 0;
  printf("stdin bytes: %zu\n", total);
  int lines = 0;
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) printf("stdin line %d: \"%s\"\n", ++lines, line);
  CHECK_VAL("read stdin at eof", read(0, buf, 16));

  __wasi_fdstat_t fs;
  for (int fd = 0; fd < 3; fd++) {
    char label[48];
    snprintf(label, sizeof label, "fd_fdstat_get %d", fd);
    WASI(label, __wasi_fd_fdstat_get(fd, &fs));
    printf("fd %d rights: read %s write %s\n", fd, (fs.fs_rights_base & __WASI_RIGHTS_FD_READ) ? "yes" : "no",
           (fs.fs_rights_base & __WASI_RIGHTS_FD_WRITE) ? "yes" : "no");
  }
  __wasi_prestat_t pre;
  WASI("fd_prestat_get 0", __wasi_fd_prestat_get(0, &pre));
  WASI("fd_prestat_get 1", __wasi_fd_prestat_get(1, &pre));
  CHECK("write to stdin", write(0, "x", 1));
  CHECK("isatty stdout", isatty(1) ? 0 : -1);

  fflush(stdout);
  const char *err = "to stderr\n";
  CHECK_VAL("write stderr", write(2, err, strlen(err)));
  fflush(stdout);
  __wasi_ciovec_t iov[3] = {{(const uint8_t *)"gath", 4}, {(const uint8_t *)"", 0}, {(const uint8_t *)"ered\n", 5}};
  __wasi_size_t nw = 0;
  WASI("fd_write 3 iovecs to stdout", __wasi_fd_write(1, iov, 3, &nw));
  printf("fd_write 3 iovecs wrote: %u\n", (unsigned)nw);
  WASI("fd_write 0 iovecs to stdout", __wasi_fd_write(1, iov, 0, &nw));
  printf("fd_write 0 iovecs wrote: %u\n", (unsigned)nw);
  /* A long line, to show that large writes are not cut. */
  for (int i = 0; i < 2000; i++) putchar('a' + i % 26);
  putchar('\n');
  printf("done\n");
  return 0;
}
