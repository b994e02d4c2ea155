/* Copies stdin to stdout in reads of 7 bytes until EOF, byte for byte, then reports the totals on stderr. */
#include "common.h"

int main(void) {
  char buf[7];
  long total = 0, reads = 0;
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n < 0) {
      fprintf(stderr, "read: %s\n", errname(errno));
      return 1;
    }
    if (n == 0) break;
    reads++;
    total += n;
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buf + done, (size_t)(n - done));
      if (w < 0) {
        fprintf(stderr, "write: %s\n", errname(errno));
        return 1;
      }
      done += w;
    }
  }
  fprintf(stderr, "%ld bytes in %ld reads, then EOF\n", total, reads);
  return 0;
}
