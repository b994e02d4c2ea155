/* environ_sizes_get / environ_get: every entry in host order, getenv hits and misses. */
#include "common.h"

extern char **environ;

int main(void) {
  __wasi_size_t count = 0, size = 0;
  WASI("environ_sizes_get", __wasi_environ_sizes_get(&count, &size));
  printf("count: %u\n", (unsigned)count);
  printf("buf size: %u\n", (unsigned)size);
  int n = 0;
  for (char **e = environ; *e; e++, n++) printf("environ[%d] (%zu bytes): \"%s\"\n", n, strlen(*e), *e);
  printf("entries: %d\n", n);
  const char *names[] = {"A", "EMPTY", "UTF8", "WITH_EQUALS", "MISSING"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    const char *v = getenv(names[i]);
    if (v) printf("getenv %s: \"%s\"\n", names[i], v);
    else printf("getenv %s: (null)\n", names[i]);
  }
  return 0;
}
