/* 200,000 unbuffered 16-byte write() calls to one file: measures the per-call cost of fd_write. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"

#define WRITES 200000
#define CHUNK 16

int main(int argc, char **argv) {
  const char *dir = sandbox_dir(argc, argv);
  char path[512];
  snprintf(path, sizeof path, "%s/small_writes.dat", dir);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) FAIL("open %s", path);
  char buf[CHUNK];
  memcpy(buf, "0123456789abcde\n", CHUNK);
  for (int i = 0; i < WRITES; i++) {
    if (write(fd, buf, CHUNK) != CHUNK) FAIL("write #%d", i);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) FAIL("fstat");
  if (st.st_size != (off_t)WRITES * CHUNK) FAIL("size %lld, expected %d", (long long)st.st_size, WRITES * CHUNK);
  if (close(fd) != 0) FAIL("close");
  return 0;
}
