/* clock_res_get / clock_time_get for each clock id, monotonic ordering, invalid ids. */
#include "common.h"
#include <time.h>

static const char *const clock_names[] = {"realtime", "monotonic", "process_cputime", "thread_cputime"};

int main(void) {
  char label[64];
  for (__wasi_clockid_t id = 0; id < 4; id++) {
    __wasi_timestamp_t res = 0, now = 0;
    snprintf(label, sizeof label, "res_get %s", clock_names[id]);
    __wasi_errno_t e = __wasi_clock_res_get(id, &res);
    if (e) printf("%s: %s\n", label, errname(e));
    else printf("%s: ok (positive: %s)\n", label, res > 0 ? "yes" : "no");
    snprintf(label, sizeof label, "time_get %s", clock_names[id]);
    e = __wasi_clock_time_get(id, 1, &now);
    if (e) printf("%s: %s\n", label, errname(e));
    else printf("%s: ok (positive: %s)\n", label, now > 0 ? "yes" : "no");
  }
  __wasi_timestamp_t t = 0;
  WASI("res_get id 4", __wasi_clock_res_get(4, &t));
  WASI("time_get id 4", __wasi_clock_time_get(4, 0, &t));
  WASI("time_get id 0xffffffff", __wasi_clock_time_get(0xffffffffu, 0, &t));

  __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 0, &t);
  YESNO("realtime after 2020", t > 1577836800ull * 1000000000ull);

  int ordered = 1;
  __wasi_timestamp_t prev = 0;
  for (int i = 0; i < 1000; i++) {
    __wasi_timestamp_t cur = 0;
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 0, &cur);
    if (cur < prev) ordered = 0;
    prev = cur;
  }
  YESNO("monotonic non-decreasing over 1000 reads", ordered);
  WASI("time_get monotonic precision max", __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, ~0ull, &t));

  struct timespec ts;
  CHECK("clock_gettime CLOCK_REALTIME", clock_gettime(CLOCK_REALTIME, &ts));
  CHECK("clock_gettime CLOCK_MONOTONIC", clock_gettime(CLOCK_MONOTONIC, &ts));
  YESNO("tv_nsec in range", ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
  CHECK("clock_getres CLOCK_MONOTONIC", clock_getres(CLOCK_MONOTONIC, &ts));
  return 0;
}
