/* 10 full passes of readdir over a directory of 10,000 entries: measures fd_readdir, in particular how a host
 * resumes from a cookie (a host that re-reads the directory from the start on every call is quadratic).
 * The harness creates <sandbox>/big with 10,000 empty files before the program starts, so only the passes are
 * timed. */
#include <dirent.h>
#include "bench.h"

#define PASSES 10
#define ENTRIES 10000

int main(int argc, char **argv) {
  const char *dir = sandbox_dir(argc, argv);
  char big[512];
  snprintf(big, sizeof big, "%s/big", dir);
  for (int pass = 0; pass < PASSES; pass++) {
    DIR *d = opendir(big);
    if (!d) FAIL("opendir %s", big);
    int seen = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == 'e') seen++;
    }
    if (errno != 0) FAIL("readdir pass %d", pass);
    closedir(d);
    if (seen != ENTRIES) FAIL("pass %d saw %d entries, expected %d", pass, seen, ENTRIES);
  }
  return 0;
}
