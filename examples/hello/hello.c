/* The README's example guest: greets, writes a file in a directory (argv[1], default the current one), reads it
 * back, lists the directory, and shows that it cannot climb out of its sandbox. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  const char *dir = argc > 1 ? argv[1] : ".";
  char path[512];
  printf("hello from %s, with %d argument(s)\n", argv[0], argc - 1);
  snprintf(path, sizeof path, "%s/greeting.txt", dir);
  FILE *f = fopen(path, "w");
  if (!f) { perror("fopen"); return 1; }
  fprintf(f, "written inside the sandbox\n");
  fclose(f);
  char line[128];
  f = fopen(path, "r");
  if (!f || !fgets(line, sizeof line, f)) { perror("read back"); return 1; }
  fclose(f);
  printf("read back: %s", line);
  DIR *d = opendir(dir);
  struct dirent *e;
  while (d && (e = readdir(d))) printf("  %s\n", e->d_name);
  if (d) closedir(d);
  snprintf(path, sizeof path, "%s/../../../etc/passwd", dir);
  FILE *escape = fopen(path, "r");
  printf("reading %s from the guest: %s\n", path, escape ? "possible (bad!)" : "refused");
  return 0;
}
