/* 50,000 open+close of a file 20 directories deep: measures the path walker (20 components per open) and
 * fd allocation/release. Creating the 20 directories is 21 syscalls, negligible next to 100,000. */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"

#define DEPTH 20
#define OPENS 50000

int main(int argc, char **argv) {
  const char *dir = sandbox_dir(argc, argv);
  char path[1024];
  int len = snprintf(path, sizeof path, "%s", dir);
  for (int i = 0; i < DEPTH; i++) {
    len += snprintf(path + len, sizeof path - len, "/d%02d", i);
    if (mkdir(path, 0755) != 0) FAIL("mkdir %s", path);
  }
  snprintf(path + len, sizeof path - len, "/leaf.txt");
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) FAIL("create %s", path);
  close(fd);

  for (int i = 0; i < OPENS; i++) {
    fd = open(path, O_RDONLY);
    if (fd < 0) FAIL("open #%d %s", i, path);
    if (close(fd) != 0) FAIL("close #%d", i);
  }
  return 0;
}
