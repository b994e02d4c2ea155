/* Shared helpers for the vos benchmark programs.
 * Every program takes the preopened sandbox directory as argv[1] and exits 0 only if it did all of its work
 * correctly, so a host that silently skips or fails syscalls cannot look fast. */
#ifndef VOS_BENCH_H
#define VOS_BENCH_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit with a message on stderr; the harness treats any non-zero exit as a failed sample. */
#define FAIL(...)                                                        \
  do {                                                                   \
    fprintf(stderr, "bench: " __VA_ARGS__);                              \
    fprintf(stderr, " (errno %d: %s)\n", errno, strerror(errno));        \
    exit(1);                                                             \
  } while (0)

static inline const char *sandbox_dir(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s <sandbox-dir>\n", argc > 0 ? argv[0] : "bench");
    exit(2);
  }
  return argv[1];
}

#endif
