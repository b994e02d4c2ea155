/* Prints what differs from run to run on a real host: clock readings, random bytes (raw and through libc),
 * a sleep's effect. Under FakeClock + SeededRandom two runs print the same bytes. */
#include "common.h"
#include <time.h>

static void hex(const char *label, const unsigned char *b, size_t n) {
  printf("%s: ", label);
  for (size_t i = 0; i < n; i++) printf("%02x", b[i]);
  printf("\n");
}

int main(void) {
  __wasi_timestamp_t rt = 0, mono = 0, cpu = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt);
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &mono);
  __wasi_clock_time_get(__WASI_CLOCKID_PROCESS_CPUTIME_ID, 1, &cpu);
  printf("realtime: %llu\nmonotonic: %llu\ncputime: %llu\n", (unsigned long long)rt, (unsigned long long)mono,
         (unsigned long long)cpu);
  time_t t = time(NULL);
  char date[64];
  strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
  printf("date: %s\n", date);
  unsigned char r[24];
  WASI("random_get", __wasi_random_get(r, sizeof r));
  hex("random", r, sizeof r);
  printf("arc4random: %08x\n", arc4random());
  nanosleep(&(struct timespec){1, 500000000}, NULL);
  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt);
  printf("realtime after 1.5 s: %llu\n", (unsigned long long)rt);
  return 0;
}
