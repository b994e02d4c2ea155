/* fd_readdir through opendir/readdir and raw: `.`/`..`, entry types, cookies (telldir/seekdir), many
 * entries, buffers smaller than one dirent, and readdir on non-directories. Host order is unspecified, so
 * names are sorted before printing. */
#include "common.h"
#include <dirent.h>

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Lists `path` sorted; prints the count and, when `show`, every name with its type. */
static int list(const char *label, const char *path, int show) {
  DIR *d = opendir(path);
  if (!d) { printf("%s: %s\n", label, errname(errno)); return -1; }
  char *names[256];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 256) {
    char *s = malloc(strlen(e->d_name) + 4);
    const char *t = e->d_type == DT_DIR ? "dir" : e->d_type == DT_REG ? "file" : e->d_type == DT_LNK ? "link" : "other";
    sprintf(s, "%s", e->d_name);
    names[n] = malloc(strlen(s) + 16);
    sprintf(names[n], "%s (%s)", s, t);
    free(s);
    n++;
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s: %d entries\n", label, n);
  for (int i = 0; i < n; i++) {
    if (show) printf("  %s\n", names[i]);
    free(names[i]);
  }
  return n;
}

int main(void) {
  enter_sandbox();
  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("mkdir d/sub", mkdir("d/sub", 0755));
  CHECK("write d/file", write_file("d/file", "x"));
  CHECK("symlink d/link", symlink("file", "d/link"));
  list("list d", "d", 1);
  CHECK("mkdir empty", mkdir("empty", 0755));
  list("list empty", "empty", 1);

  CHECK("mkdir many", mkdir("many", 0755));
  char name[32];
  for (int i = 0; i < 150; i++) {
    snprintf(name, sizeof name, "many/entry-%03d", i);
    if (write_file(name, "") != 0) { printf("create %s: %s\n", name, errname(errno)); break; }
  }
  list("list many", "many", 0);

  /* telldir/seekdir: the cookie after some entries brings readdir back to the same next entry. */
  DIR *d = opendir("many");
  for (int i = 0; i < 40; i++) readdir(d);
  long cookie = telldir(d);
  struct dirent *e = readdir(d);
  char expected[64];
  snprintf(expected, sizeof expected, "%s", e ? e->d_name : "(end)");
  for (int i = 0; i < 20; i++) readdir(d);
  seekdir(d, cookie);
  e = readdir(d);
  YESNO("seekdir returns to the same entry", e && !strcmp(e->d_name, expected));
  rewinddir(d);
  int again = 0;
  while (readdir(d)) again++;
  printf("entries after rewinddir: %d\n", again);
  closedir(d);

  /* Raw fd_readdir. */
  int dfd = open("d", O_RDONLY | O_DIRECTORY);
  CHECK("open d", dfd);
  unsigned char buf[4096];
  __wasi_size_t used = 0;
  WASI("fd_readdir cookie 0", __wasi_fd_readdir(dfd, buf, sizeof buf, 0, &used));
  __wasi_dirent_t first;
  memcpy(&first, buf, sizeof first);
  printf("first entry: \"%.*s\" d_next %llu type dir: %s\n", (int)first.d_namlen, (char *)buf + sizeof first,
         (unsigned long long)first.d_next, first.d_type == __WASI_FILETYPE_DIRECTORY ? "yes" : "no");
  __wasi_dirent_t second;
  memcpy(&second, buf + sizeof first + first.d_namlen, sizeof second);
  printf("second entry: \"%.*s\" d_next %llu\n", (int)second.d_namlen,
         (char *)buf + 2 * sizeof first + first.d_namlen, (unsigned long long)second.d_next);
  printf("dirent size: %zu\n", sizeof(__wasi_dirent_t));
  __wasi_size_t full = used;
  printf("bufused for 5 entries: %u\n", (unsigned)full);
  WASI("fd_readdir 10-byte buffer", __wasi_fd_readdir(dfd, buf, 10, 0, &used));
  printf("10-byte buffer bufused: %u\n", (unsigned)used);
  WASI("fd_readdir 0-byte buffer", __wasi_fd_readdir(dfd, buf, 0, 0, &used));
  printf("0-byte buffer bufused: %u\n", (unsigned)used);
  WASI("fd_readdir cookie past end", __wasi_fd_readdir(dfd, buf, sizeof buf, 1000, &used));
  printf("cookie past end bufused: %u\n", (unsigned)used);
  WASI("fd_readdir cookie 2", __wasi_fd_readdir(dfd, buf, sizeof buf, 2, &used));
  printf("cookie 2 bufused: %u\n", (unsigned)used);
  close(dfd);

  int ffd = open("d/file", O_RDONLY);
  WASI("fd_readdir on a file", __wasi_fd_readdir(ffd, buf, sizeof buf, 0, &used));
  close(ffd);
  WASI("fd_readdir bad fd", __wasi_fd_readdir(99, buf, sizeof buf, 0, &used));
  errno = 0;
  printf("opendir file: %s\n", opendir("d/file") ? "ok" : errname(errno));
  errno = 0;
  printf("opendir missing: %s\n", opendir("nope") ? "ok" : errname(errno));
  return 0;
}
