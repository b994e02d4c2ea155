// Walks the directory given as argv[1] (sorted, depth-first), printing each entry's path, type and size, and for
// files a checksum (FNV-1a) of their bytes read in 4 KiB reads, and for links their target. Reads only: it runs
// on read-only trees (the HTTP filesystem's tests).
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const struct dirent **a, const struct dirent **b) { return strcmp((*a)->d_name, (*b)->d_name); }

static void walk(const char *dir, int depth) {
  struct dirent **names;
  int n = scandir(dir, &names, NULL, by_name);
  if (n < 0) {
    printf("%s: cannot list\n", dir);
    return;
  }
  for (int i = 0; i < n; i++) {
    const char *name = names[i]->d_name;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0) continue;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat st;
    if (lstat(path, &st) != 0) {
      printf("%s: lstat failed\n", path);
      continue;
    }
    if (S_ISLNK(st.st_mode)) {
      char target[256];
      ssize_t len = readlink(path, target, sizeof target - 1);
      target[len < 0 ? 0 : len] = 0;
      printf("%s -> %s\n", path, target);
    } else if (S_ISDIR(st.st_mode)) {
      printf("%s/\n", path);
      if (depth < 16) walk(path, depth + 1);
    } else {
      int fd = open(path, O_RDONLY);
      uint32_t h = 2166136261u;
      long total = 0;
      char buf[4096];
      ssize_t got;
      while (fd >= 0 && (got = read(fd, buf, sizeof buf)) > 0) {
        for (ssize_t k = 0; k < got; k++) h = (h ^ (uint8_t)buf[k]) * 16777619u;
        total += got;
      }
      if (fd >= 0) close(fd);
      printf("%s %lld bytes, read %ld, fnv %08x\n", path, (long long)st.st_size, total, h);
    }
    free(names[i]);
  }
  free(names);
}

int main(int argc, char **argv) {
  walk(argc > 1 ? argv[1] : ".", 0);
  return 0;
}
