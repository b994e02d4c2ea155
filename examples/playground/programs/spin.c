/* Never returns and makes no syscall: only a deadline or a Stop (terminating its worker) ends it. */
#include <stdio.h>

int main(void) {
  printf("spinning\n");
  fflush(stdout);
  volatile unsigned long x = 0;
  for (;;) x++;
}
