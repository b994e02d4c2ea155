/* Prints a line every 100 ms, N times (argv[1], default 10; 0 = forever): output that streams, and a runaway
 * program for the Stop button and the deadline when asked to go on forever. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 10;
  for (long i = 1; n == 0 || i <= n; i++) {
    printf("tick %ld\n", i);
    fflush(stdout);
    nanosleep(&(struct timespec){0, 100000000}, NULL);
  }
  return 0;
}
