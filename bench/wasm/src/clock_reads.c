/* 1,000,000 clock_gettime(CLOCK_MONOTONIC) reads: measures the per-call cost of clock_time_get. */
#include <time.h>
#include "bench.h"

#define READS 1000000

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  struct timespec ts, prev = {0, 0};
  for (int i = 0; i < READS; i++) {
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) FAIL("clock_gettime #%d", i);
    /* A monotonic clock must never go backwards; also keeps the call from being optimised away. */
    if (ts.tv_sec < prev.tv_sec || (ts.tv_sec == prev.tv_sec && ts.tv_nsec < prev.tv_nsec))
      FAIL("monotonic clock went backwards at read %d", i);
    prev = ts;
  }
  return 0;
}
