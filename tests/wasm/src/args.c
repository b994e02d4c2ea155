/* args_sizes_get / args_get: counts, sizes (bytes, with NULs) and exact bytes of every argument. */
#include "common.h"

int main(int argc, char **argv) {
  __wasi_size_t count = 0, size = 0;
  WASI("args_sizes_get", __wasi_args_sizes_get(&count, &size));
  printf("argc: %d\n", argc);
  printf("count matches argc: %s\n", (int)count == argc ? "yes" : "no");
  size_t total = 0;
  for (int i = 0; i < argc; i++) total += strlen(argv[i]) + 1;
  printf("buf size: %u (sum of lengths + NULs: %s)\n", (unsigned)size, total == size ? "yes" : "no");
  for (int i = 0; i < argc; i++) printf("argv[%d] (%zu bytes): \"%s\"\n", i, strlen(argv[i]), argv[i]);
  printf("argv[argc] is NULL: %s\n", argv[argc] == NULL ? "yes" : "no");
  return 0;
}
