/* A tiny file tool for the browser tests and the playground: runs each command of its argv in turn.
 *   write PATH TEXT | append PATH TEXT | cat PATH | ls DIR | mkdir PATH | rm PATH | rmdir PATH
 *   symlink TARGET PATH | readlink PATH | mv FROM TO
 * Each command prints one line (or the file's content for cat); a failure prints `CMD PATH: ENAME` and the tool
 * goes on, exiting 1 at the end if anything failed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failed = 0;

static void fail(const char *cmd, const char *path) {
  printf("%s %s: %s\n", cmd, path, strerror(errno));
  failed = 1;
}

static void put(const char *cmd, const char *path, const char *text, int flags) {
  int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
  if (fd < 0) return fail(cmd, path);
  size_t len = strlen(text);
  if (write(fd, text, len) != (ssize_t)len || write(fd, "\n", 1) != 1) fail(cmd, path);
  else printf("%s %s: %zu bytes\n", cmd, path, len + 1);
  close(fd);
}

static void cat(const char *path) {
  FILE *f = fopen(path, "r");
  if (!f) return fail("cat", path);
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
  fclose(f);
}

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void ls(const char *path) {
  DIR *d = opendir(path);
  if (!d) return fail("ls", path);
  char *names[1024];
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d)) && n < 1024) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp);
  printf("ls %s:", path);
  for (int i = 0; i < n; i++) {
    printf(" %s", names[i]);
    free(names[i]);
  }
  printf("\n");
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    const char *c = argv[i];
    const char *a = i + 1 < argc ? argv[i + 1] : "";
    const char *b = i + 2 < argc ? argv[i + 2] : "";
    if (!strcmp(c, "write")) put(c, a, b, O_TRUNC), i += 2;
    else if (!strcmp(c, "append")) put(c, a, b, O_APPEND), i += 2;
    else if (!strcmp(c, "cat")) cat(a), i += 1;
    else if (!strcmp(c, "ls")) ls(a), i += 1;
    else if (!strcmp(c, "mkdir")) (mkdir(a, 0755) ? fail(c, a) : (void)printf("mkdir %s: ok\n", a)), i += 1;
    else if (!strcmp(c, "rm")) (unlink(a) ? fail(c, a) : (void)printf("rm %s: ok\n", a)), i += 1;
    else if (!strcmp(c, "rmdir")) (rmdir(a) ? fail(c, a) : (void)printf("rmdir %s: ok\n", a)), i += 1;
    else if (!strcmp(c, "symlink")) (symlink(a, b) ? fail(c, b) : (void)printf("symlink %s -> %s: ok\n", b, a)), i += 2;
    else if (!strcmp(c, "mv")) (rename(a, b) ? fail(c, a) : (void)printf("mv %s %s: ok\n", a, b)), i += 2;
    else if (!strcmp(c, "readlink")) {
      char t[1024];
      ssize_t n = readlink(a, t, sizeof t - 1);
      if (n < 0) fail(c, a);
      else t[n] = 0, printf("readlink %s: %s\n", a, t);
      i += 1;
    } else {
      printf("unknown command: %s\n", c);
      return 2;
    }
  }
  return failed;
}
