/* poll_oneoff: clock subscriptions (relative, invalid clocks; absolute ones are in poll_abstime.c), fd subscriptions, zero
 * subscriptions, and the libc wrappers poll(), nanosleep() and clock_nanosleep(). */
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

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
  __wasi_subscription_t s;
  memset(&s, 0, sizeof s);
  s.userdata = ud;
  s.u.tag = type;
  s.u.u.fd_read.file_descriptor = fd;
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
  enter_sandbox();
  __wasi_subscription_t s[3];
  __wasi_event_t ev[1];
  __wasi_size_t got = 0;
  WASI("poll_oneoff 0 subscriptions", __wasi_poll_oneoff(s, ev, 0, &got));

  __wasi_timestamp_t t0 = mono();
  s[0] = clock_sub(7, __WASI_CLOCKID_MONOTONIC, 20000000, 0);
  run("relative 20ms monotonic", s, 1);
  YESNO("slept at least 20ms", mono() - t0 >= 20000000);
  s[0] = clock_sub(8, __WASI_CLOCKID_REALTIME, 1000000, 0);
  run("relative 1ms realtime", s, 1);
  s[0] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
  s[1] = clock_sub(12, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  run("two clocks, only the short one fires", s, 2);
  s[0] = clock_sub(13, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 1000000, 0);
  s[1] = clock_sub(14, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
  run("process cputime clock", s, 2);
  s[0] = clock_sub(15, 99, 1000000, 0);
  s[1] = clock_sub(16, __WASI_CLOCKID_MONOTONIC, 1000000, 0);
  run("invalid clock id", s, 2);

  CHECK("write f", write_file("f", "hello"));
  int fd = open("f", O_RDWR);
  s[0] = fd_sub(20, __WASI_EVENTTYPE_FD_READ, fd);
  s[1] = clock_sub(21, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  run("fd_read on a file (ready at once)", s, 2);
  s[0] = fd_sub(22, __WASI_EVENTTYPE_FD_WRITE, fd);
  run("fd_write on a file", s, 2);
  s[0] = fd_sub(23, __WASI_EVENTTYPE_FD_WRITE, 1);
  run("fd_write on stdout", s, 2);
  s[0] = fd_sub(24, __WASI_EVENTTYPE_FD_READ, 99);
  /* A far clock, like the cases above: a 1 ms one could also expire before the host looks (one event or two). */
  s[1] = clock_sub(25, __WASI_CLOCKID_MONOTONIC, 5000000000ull, 0);
  run("fd_read on a bad fd", s, 2);

  struct pollfd p = {.fd = fd, .events = POLLIN | POLLOUT};
  CHECK_VAL("poll() on a file", poll(&p, 1, 1000));
  printf("poll() revents: in %s out %s\n", (p.revents & POLLIN) ? "yes" : "no", (p.revents & POLLOUT) ? "yes" : "no");
  close(fd);
  t0 = mono();
  CHECK_VAL("poll() no fds 15ms", poll(NULL, 0, 15));
  YESNO("poll() slept at least 15ms", mono() - t0 >= 15000000);

  t0 = mono();
  struct timespec req = {0, 20000000};
  CHECK("nanosleep 20ms", nanosleep(&req, NULL));
  YESNO("nanosleep slept at least 20ms", mono() - t0 >= 20000000);
  printf("clock_nanosleep monotonic 1ms: %s\n", errname(clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 1000000}, NULL)));
  printf("clock_nanosleep realtime 1ms: %s\n", errname(clock_nanosleep(CLOCK_REALTIME, 0, &(struct timespec){0, 1000000}, NULL)));
  return 0;
}
