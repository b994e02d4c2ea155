/* Hello world: the harness instantiates and starts this many times to measure per-instance host setup
 * (WASI construction, import object, instantiation, _start, proc_exit). */
#include <stdio.h>

int main(void) {
  puts("hello, world");
  return 0;
}
