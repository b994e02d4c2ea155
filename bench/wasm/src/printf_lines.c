/* 200,000 short printf lines to stdout. The harness points stdout at a regular file for both hosts, so libc
 * buffers fully (isatty() is false) and this measures fd_write of buffered blocks plus how stdout's fdstat looks
 * to libc: a host that reports a regular file as a character device makes libc line-buffer, 200,000 writes. */
#include "bench.h"

#define LINES 200000

int main(void) {
  for (int i = 0; i < LINES; i++) {
    if (printf("line %d of the printf bench\n", i) < 0) FAIL("printf line %d", i);
  }
  if (fflush(stdout) != 0) FAIL("fflush");
  return 0;
}
