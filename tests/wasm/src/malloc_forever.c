// Allocates and touches 1 MiB blocks forever, keeping every one (a leak): with a memory cap it is stopped at the
// first grow past the cap; without one, malloc eventually fails and it exits 3.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct block {
  struct block *next;
  char bytes[(1 << 20) - sizeof(struct block *)];
};

static struct block *volatile head;

int main(void) {
  size_t total = 0;
  for (;;) {
    struct block *b = malloc(sizeof *b);
    if (b == NULL) {
      printf("malloc failed after %zu MiB\n", total >> 20);
      return 3;
    }
    memset(b->bytes, 1, sizeof b->bytes);
    b->next = head;
    head = b;
    total += sizeof *b;
  }
}
