/* random_get: sizes 0, 1, 4096 and 1 MiB; bytes are not all zero and two draws differ. */
#include "common.h"

static int all_zero(const unsigned char *p, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (p[i]) return 0;
  return 1;
}

int main(void) {
  static unsigned char a[4096], b[4096];
  unsigned char one = 0;
  WASI("random_get 0 bytes", __wasi_random_get(a, 0));
  WASI("random_get 1 byte", __wasi_random_get(&one, 1));
  WASI("random_get 4096 bytes", __wasi_random_get(a, sizeof a));
  YESNO("4096 bytes not all zero", !all_zero(a, sizeof a));
  WASI("random_get 4096 bytes again", __wasi_random_get(b, sizeof b));
  YESNO("two draws differ", memcmp(a, b, sizeof a) != 0);

  size_t big = 1 << 20;
  unsigned char *m = calloc(big, 1);
  WASI("random_get 1 MiB", __wasi_random_get(m, big));
  YESNO("1 MiB not all zero", !all_zero(m, big));
  YESNO("last 4 KiB of 1 MiB not all zero", !all_zero(m + big - 4096, 4096));
  free(m);

  CHECK("getentropy 256", getentropy(a, 256));
  return 0;
}
