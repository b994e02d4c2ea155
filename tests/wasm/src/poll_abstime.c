/* poll_oneoff with SUBSCRIPTION_CLOCK_ABSTIME, and clock_nanosleep(TIMER_ABSTIME). Kept apart from poll.c
 * because node:wasi mis-handles absolute monotonic deadlines and sleeps far too long (see NODE_WASI_DIFFERENCES.md). */
#include "common.h"
#include <poll.h>
#include <time.h>

static __wasi_timestamp_t mono(void) {
  __wasi_timestamp_t t = 0;
  __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &t);
  return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout,
                                       __wasi_subclockflags_t flags) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = __WASI_EVENTTYPE_CLOCK;
  s.u.u.clock.id = id;
  s.u.u.clock.timeout = timeout;
  s.u.u.clock.flags = flags;
  return s;
}

static void run(const char *label, const __wasi_subscription_t *subs, size_t n) {
  __wasi_event_t ev[4];
  __wasi_size_t got = 0;
  __wasi_errno_t e = __wasi_poll_oneoff(subs, ev, n, &got);
  if (e) { printf("%s: %s\n", label, errname(e)); return; }
  printf("%s: ok, %u event(s)", label, (unsigned)got);
  for (__wasi_size_t i = 0; i < got; i++)
    printf(" [userdata %llu type %u error %s]", (unsigned long long)ev[i].userdata, (unsigned)ev[i].type,
           ev[i].error ? errname(ev[i].error) : "ok");
  printf("\n");
}

int main(void) {
  __wasi_subscription_t s[1];
  __wasi_timestamp_t t0;
  t0 = mono();
  s[0] = clock_sub(9, __WASI_CLOCKID_MONOTONIC, t0 + 10000000, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  run("absolute monotonic +10ms", s, 1);
  YESNO("absolute wait reached the deadline", mono() >= t0 + 10000000);
  s[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 0, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  run("absolute monotonic in the past", s, 1);
  s[0] = clock_sub(17, __WASI_CLOCKID_REALTIME, 0, __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME);
  run("absolute realtime in the past", s, 1);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  now.tv_nsec += 5000000;
  if (now.tv_nsec >= 1000000000) { now.tv_sec++; now.tv_nsec -= 1000000000; }
  printf("clock_nanosleep monotonic absolute +5ms: %s\n", errname(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &now, NULL)));
  return 0;
}
