/* Greets each argument (or the world) and shows one environment variable: the playground's first program. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc < 2) printf("hello, world\n");
  for (int i = 1; i < argc; i++) printf("hello, %s\n", argv[i]);
  const char *who = getenv("USER");
  printf("USER=%s\n", who ? who : "(unset)");
  return 0;
}
