/* create/stat/readdir/unlink of 5,000 small files: measures path resolution plus path_open, path_filestat_get,
 * fd_readdir and path_unlink_file on a directory that grows and shrinks. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "bench.h"

#define FILES 5000
#define CONTENT "sixteen bytes..\n"
#define CONTENT_LEN 16

int main(int argc, char **argv) {
  const char *dir = sandbox_dir(argc, argv);
  char sub[512], path[600];
  snprintf(sub, sizeof sub, "%s/churn", dir);
  if (mkdir(sub, 0755) != 0) FAIL("mkdir %s", sub);

  for (int i = 0; i < FILES; i++) {
    snprintf(path, sizeof path, "%s/file%05d.txt", sub, i);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) FAIL("create %s", path);
    if (write(fd, CONTENT, CONTENT_LEN) != CONTENT_LEN) FAIL("write %s", path);
    if (close(fd) != 0) FAIL("close %s", path);
  }

  struct stat st;
  for (int i = 0; i < FILES; i++) {
    snprintf(path, sizeof path, "%s/file%05d.txt", sub, i);
    if (stat(path, &st) != 0) FAIL("stat %s", path);
    if (st.st_size != CONTENT_LEN) FAIL("stat %s: size %lld", path, (long long)st.st_size);
  }

  DIR *d = opendir(sub);
  if (!d) FAIL("opendir %s", sub);
  int seen = 0;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strncmp(e->d_name, "file", 4) == 0) seen++;
  }
  if (errno != 0) FAIL("readdir %s", sub);
  closedir(d);
  if (seen != FILES) FAIL("readdir saw %d files, expected %d", seen, FILES);

  for (int i = 0; i < FILES; i++) {
    snprintf(path, sizeof path, "%s/file%05d.txt", sub, i);
    if (unlink(path) != 0) FAIL("unlink %s", path);
  }
  if (rmdir(sub) != 0) FAIL("rmdir %s", sub);
  return 0;
}
