/* Greets by the time of day (UTC), waits an hour, and says what time it is then: a program whose output
 * depends on the clock, so testing it needs a fake one. */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

static void now(const char *label) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
  printf("%s %s UTC\n", label, buf);
}

int main(void) {
  time_t t = time(NULL);
  struct tm tm;
  gmtime_r(&t, &tm);
  printf("%s!\n", tm.tm_hour < 12 ? "Good morning" : tm.tm_hour < 18 ? "Good afternoon" : "Good evening");
  now("It is");
  sleep(3600);
  now("An hour later it is");
  return 0;
}
