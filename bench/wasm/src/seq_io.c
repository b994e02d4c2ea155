/* Sequential write then read of a 64 MiB file in 64 KiB chunks: measures bulk fd_write/fd_read throughput,
 * where a host should add almost nothing on top of the copy into or out of guest memory. */
#include <fcntl.h>
#include <unistd.h>
#include "bench.h"

#define CHUNK (64 * 1024)
#define CHUNKS 1024 /* 64 MiB */

static unsigned char buf[CHUNK];

int main(int argc, char **argv) {
  const char *dir = sandbox_dir(argc, argv);
  char path[512];
  snprintf(path, sizeof path, "%s/seq_io.dat", dir);

  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) FAIL("open for write %s", path);
  for (int i = 0; i < CHUNKS; i++) {
    memset(buf, i & 0xff, 64); /* tag each chunk so the read-back can be checked cheaply */
    if (write(fd, buf, CHUNK) != CHUNK) FAIL("write chunk %d", i);
  }
  if (close(fd) != 0) FAIL("close after write");

  fd = open(path, O_RDONLY);
  if (fd < 0) FAIL("open for read %s", path);
  long long total = 0;
  for (int i = 0;; i++) {
    ssize_t n = read(fd, buf, CHUNK);
    if (n < 0) FAIL("read chunk %d", i);
    if (n == 0) break;
    if (total % CHUNK == 0 && buf[0] != (unsigned char)((total / CHUNK) & 0xff)) FAIL("bad data in chunk %d", i);
    total += n;
  }
  if (total != (long long)CHUNK * CHUNKS) FAIL("read %lld bytes, expected %d", total, CHUNK * CHUNKS);
  if (close(fd) != 0) FAIL("close after read");
  return 0;
}
