/* Sleeps an hour five ways (poll_oneoff relative and absolute, sleep, nanosleep, clock_nanosleep) and prints
 * how far realtime and monotonic moved each time, in ns; then an absolute deadline in the past, which must fire
 * at once. Under FakeClock every line says exactly 3600000000000 ns and the run takes no wall time. */
#include "common.h"
#include <time.h>

static __wasi_timestamp_t now(__wasi_clockid_t id) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(id, 1, &t);
  return t;
}

static __wasi_timestamp_t rt0, mono0;
static void start(void) {
  rt0 = now(__WASI_CLOCKID_REALTIME);
  mono0 = now(__WASI_CLOCKID_MONOTONIC);
}
static void report(const char *label) {
  printf("%s: realtime +%llu ns, monotonic +%llu ns\n", label,
         (unsigned long long)(now(__WASI_CLOCKID_REALTIME) - rt0), (unsigned long long)(now(__WASI_CLOCKID_MONOTONIC) - mono0));
}

static __wasi_errno_t poll_clock(__wasi_clockid_t id, __wasi_timestamp_t timeout, __wasi_subclockflags_t flags, __wasi_size_t *got) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = 1;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = flags;
  __wasi_event_t ev;
  return __wasi_poll_oneoff(&s, &ev, 1, got);
}

#define HOUR 3600000000000ull

int main(void) {
  __wasi_size_t got = 0;
  start();
  WASI("poll_oneoff relative 1h", poll_clock(__WASI_CLOCKID_MONOTONIC, HOUR, 0, &got));
  report("poll_oneoff relative 1h");
  start();
  WASI("poll_oneoff absolute monotonic +1h", poll_clock(__WASI_CLOCKID_MONOTONIC, mono0 + HOUR, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME, &got));
  report("poll_oneoff absolute monotonic +1h");
  start();
  WASI("poll_oneoff absolute realtime +1h", poll_clock(__WASI_CLOCKID_REALTIME, rt0 + HOUR, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME, &got));
  report("poll_oneoff absolute realtime +1h");
  start();
  printf("sleep(3600): %u\n", sleep(3600));
  report("sleep(3600)");
  start();
  CHECK("nanosleep 3600 s", nanosleep(&(struct timespec){3600, 0}, NULL));
  report("nanosleep 3600 s");
  start();
  printf("clock_nanosleep 3600 s: %s\n", errname(clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){3600, 0}, NULL)));
  report("clock_nanosleep 3600 s");
  start();
  WASI("poll_oneoff absolute realtime in the past", poll_clock(__WASI_CLOCKID_REALTIME, rt0 - HOUR, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME, &got));
  printf("events: %u\n", (unsigned)got);
  report("poll_oneoff absolute realtime in the past");
  return 0;
}
