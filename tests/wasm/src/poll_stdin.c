/* Polls stdin (fd_read, with a 10 s timeout) before every read of up to 5 bytes, until EOF; prints each poll
 * result and each chunk read. At EOF the poll must report stdin ready (a read returns 0 at once). */
#include "common.h"

int main(void) {
  __wasi_subscription_t s[2];
  memset(s, 0, sizeof s);
  s[0].userdata = 100;
  s[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  s[0].u.u.fd_read.file_descriptor = 0;
  s[1].userdata = 200;
  s[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  s[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s[1].u.u.clock.timeout = 10000000000ull;
  for (int round = 0; round < 1000; round++) {
    __wasi_event_t ev[2];
    __wasi_size_t got = 0;
    __wasi_errno_t e = __wasi_poll_oneoff(s, ev, 2, &got);
    if (e) {
      printf("poll: %s\n", errname(e));
      return 1;
    }
    for (__wasi_size_t i = 0; i < got; i++) {
      if (ev[i].type == __WASI_EVENTTYPE_CLOCK) printf("poll: timeout\n");
      else printf("poll: stdin ready, error %s, nbytes %llu\n", ev[i].error ? errname(ev[i].error) : "ok",
                  (unsigned long long)ev[i].fd_readwrite.nbytes);
    }
    if (got == 1 && ev[0].type == __WASI_EVENTTYPE_CLOCK) continue;
    char buf[6];
    ssize_t n = read(0, buf, 5);
    if (n < 0) {
      printf("read: %s\n", errname(errno));
      return 1;
    }
    if (n == 0) {
      printf("read: EOF\n");
      return 0;
    }
    buf[n] = 0;
    printf("data: \"%s\"\n", buf);
  }
  printf("too many rounds\n");
  return 1;
}
