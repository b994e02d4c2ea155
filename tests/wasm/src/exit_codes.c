/* Exit status: `exit_codes MODE` where MODE is exit0, exit3, exit255, return7, return0 or abort. */
#include "common.h"

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "return0";
  printf("mode: %s\n", mode);
  fflush(stdout);
  if (!strcmp(mode, "exit0")) exit(0);
  if (!strcmp(mode, "exit3")) exit(3);
  if (!strcmp(mode, "exit255")) exit(255);
  if (!strcmp(mode, "proc_exit42")) __wasi_proc_exit(42);
  if (!strcmp(mode, "return7")) return 7;
  return 0;
}
