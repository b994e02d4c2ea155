/* The README's example guest: greets, writes a file in its sandbox, reads it back and lists the directory. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  printf("hello from %s, with %d argument(s)\n", argv[0], argc - 1);
  FILE *f = fopen("/sandbox/greeting.txt", "w");
  if (!f) { perror("fopen"); return 1; }
  fprintf(f, "written inside the sandbox\n");
  fclose(f);
  char line[128];
  f = fopen("/sandbox/greeting.txt", "r");
  if (!f || !fgets(line, sizeof line, f)) { perror("read back"); return 1; }
  fclose(f);
  printf("read back: %s", line);
  DIR *d = opendir("/sandbox");
  struct dirent *e;
  while (d && (e = readdir(d))) printf("  %s\n", e->d_name);
  if (d) closedir(d);
  FILE *escape = fopen("/sandbox/../etc/passwd", "r");
  printf("reading /etc/passwd from the guest: %s\n", escape ? "possible (bad!)" : "refused");
  return 0;
}
