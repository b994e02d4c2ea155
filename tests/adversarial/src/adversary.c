// The adversarial guest (issue 9): one command per attack class, run by tests/adversarial/. Each prints one
// line per result ("what: value"), so the test can assert the errno the host answered, and ends the way the
// last argument says (return, exit, trap) with whatever it opened still open. Works in the current directory,
// which the test points at the backend under attack.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

static const char *err(int e) {
  switch (e) {
    case 0: return "ok";
    case ENOSPC: return "ENOSPC";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ELOOP: return "ELOOP";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case EFBIG: return "EFBIG";
    case EMLINK: return "EMLINK";
    case EROFS: return "EROFS";
    case EACCES: return "EACCES";
    case ENOTCAPABLE: return "ENOTCAPABLE";
    case EINVAL: return "EINVAL";
    case EFAULT: return "EFAULT";
    case ENOMEM: return "ENOMEM";
    default: return strerror(e);
  }
}

static char big[70000];

/** Opens the current directory until the host says no. */
static void fds(void) {
  long n = 0;
  for (;;) {
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    if (fd < 0) break;
    n++;
  }
  printf("fds: %s after %s\n", err(errno), n > 16000 ? ">16000" : "few");
}

/** One file grown 1 MiB at a time. */
static void fill(void) {
  int fd = open("fill.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { printf("fill open: %s\n", err(errno)); return; }
  static char chunk[1 << 20];
  memset(chunk, 'x', sizeof chunk);
  long mb = 0;
  for (;;) {
    ssize_t w = write(fd, chunk, sizeof chunk);
    if (w < 0) break;
    mb++;
  }
  printf("fill: %s\n", err(errno));
  close(fd);
  printf("unlink fill: %s\n", err(unlink("fill.bin") ? errno : 0));
}

/** A sparse write far past any quota. */
static void sparse(void) {
  int fd = open("sparse.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) { printf("sparse open: %s\n", err(errno)); return; }
  ssize_t w = pwrite(fd, "x", 1, (off_t)1 << 40);
  printf("pwrite at 1 TiB: %s\n", err(w < 0 ? errno : 0));
  printf("ftruncate to 1 TiB: %s\n", err(ftruncate(fd, (off_t)1 << 40) ? errno : 0));
  close(fd);
  unlink("sparse.bin");
}

/** Empty files (and hard links) until the host says no. */
static void inodes(int links) {
  int fd = open("base", O_WRONLY | O_CREAT, 0644);
  if (fd >= 0) close(fd);
  char name[64];
  long n = 0;
  for (;;) {
    snprintf(name, sizeof name, "%s%ld", links ? "l" : "f", n);
    int r;
    if (links) r = link("base", name);
    else {
      r = open(name, O_WRONLY | O_CREAT | O_EXCL, 0644);
      if (r >= 0) { close(r); r = 0; }
    }
    if (r < 0) break;
    n++;
  }
  printf("%s: %s\n", links ? "links" : "inodes", err(errno));
}

/** Directories nested one level at a time through fds, parents closed behind. */
static void deep(long depth) {
  int dir = open(".", O_RDONLY | O_DIRECTORY);
  long i;
  for (i = 0; i < depth; i++) {
    if (mkdirat(dir, "d", 0755) < 0 && errno != EEXIST) break;
    int next = openat(dir, "d", O_RDONLY | O_DIRECTORY);
    if (next < 0) break;
    close(dir);
    dir = next;
  }
  printf("deep %ld: %s\n", depth, i == depth ? "ok" : err(errno));
  close(dir);
}

/** Names, paths and link targets one byte over their limits, and link chains over the component budget. */
static void names(void) {
  memset(big, 'a', sizeof big);
  big[256] = 0;
  printf("mkdir 256-byte name: %s\n", err(mkdir(big, 0755) ? errno : 0));
  for (int i = 0; i < 4097; i += 2) { big[i] = 'a'; big[i + 1] = '/'; }
  big[4097] = 0;
  printf("open 4097-byte path: %s\n", err(open(big, O_RDONLY) < 0 ? errno : 0));
  big[4096] = 0; big[4095] = 'b';
  printf("symlink 4096-byte target: %s\n", err(symlink(big, "longlink") ? errno : 0));
  memset(big, 'a', sizeof big);
  big[sizeof big - 1] = 0;
  printf("open 70000-byte path: %s\n", err(open(big, O_RDONLY) < 0 ? errno : 0));
  // Chains: each link's target walks d/.. 800 times: under 40 links, far over the component budget.
  mkdir("d", 0755);
  char *t = big;
  for (int i = 0; i < 800; i++) { memcpy(t, "d/../", 5); t += 5; }
  for (int i = 0; i < 39; i++) {
    char name[16];
    sprintf(t, "c%d", i + 1);
    sprintf(name, "c%d", i);
    symlink(big, name);
  }
  mkdir("c39", 0755);
  printf("open through long chains: %s\n", err(open("c0/x", O_RDONLY) < 0 ? errno : 0));
}

/** Many fds each holding a listing of a big directory. */
static void listings(void) {
  mkdir("big", 0755);
  char name[300];
  for (int i = 0; i < 3000; i++) {
    snprintf(name, sizeof name, "big/%0200d", i);
    int fd = open(name, O_WRONLY | O_CREAT, 0644);
    if (fd >= 0) close(fd);
  }
  long held = 0;
  for (int i = 0; i < 2000; i++) {
    DIR *d = opendir("big");
    if (d == NULL) break;
    if (readdir(d) != NULL) held++; // wasi-libc reads a buffer's worth: a listing is held for the next cookie
  }
  printf("listings held: %s\n", held == 2000 ? "2000" : err(errno));
}

/** A relative timeout of 2^64-1 on the monotonic clock, then the clock read again. */
static void pollmax(void) {
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  __wasi_subscription_t sub;
  memset(&sub, 0, sizeof sub);
  sub.u.tag = __WASI_EVENTTYPE_CLOCK;
  sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub.u.u.clock.timeout = UINT64_MAX;
  __wasi_event_t ev;
  __wasi_size_t n;
  __wasi_errno_t e = __wasi_poll_oneoff(&sub, &ev, 1, &n);
  clock_gettime(CLOCK_MONOTONIC, &b);
  int forward = b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec);
  printf("poll 2^64-1: %d, monotonic %s\n", e, forward ? "forward" : "BACKWARDS");
}

/** Names a terminal would interpret, for --diff and --trace. */
static void forge(void) {
  const char *evil[] = {
    "clear\x1b[2J\x1b[H", "cr\rA etc-passwd", "nl\nA etc-shadow", "bidi\xe2\x80\xaetxt.exe", "c1\xc2\x9b" "31m",
    "zw\xe2\x80\x8b", "back\\nslash",
  };
  for (unsigned i = 0; i < sizeof evil / sizeof *evil; i++) {
    int fd = open(evil[i], O_WRONLY | O_CREAT, 0644);
    if (fd >= 0) {
      write(fd, "\x1b]0;pwned\x07\r\n", 12);
      close(fd);
    }
    printf("create %u: %s\n", i, err(fd < 0 ? errno : 0));
  }
}

/** Symlinks that point outside the directory. */
static void symout(void) {
  printf("symlink ../escape: %s\n", err(symlink("../escape", "out1") ? errno : 0));
  printf("symlink a/../..: %s\n", err(symlink("a/../..", "out2") ? errno : 0));
  printf("symlink inside: %s\n", err(symlink("./inside", "in1") ? errno : 0));
}

/** A chain of n symlinks ch0 -> ch1 -> ... -> chain.end, opened through its head (the symlinks budget). */
static void chain(long n) {
  int fd = open("chain.end", O_WRONLY | O_CREAT, 0644);
  if (fd >= 0) close(fd);
  char name[32], target[32];
  for (long i = 0; i < n; i++) {
    snprintf(name, sizeof name, "ch%ld", i);
    if (i + 1 == n) snprintf(target, sizeof target, "chain.end");
    else snprintf(target, sizeof target, "ch%ld", i + 1);
    symlink(target, name);
  }
  fd = open("ch0", O_RDONLY);
  printf("open through %ld links: %s\n", n, err(fd < 0 ? errno : 0));
  if (fd >= 0) close(fd);
}

/**
 * Links that point inside when made, then the directory holding them moved to the top: `a/b/two -> ../../x`
 * would point outside from `b/two` (refused on host directories: it climbs twice), `a/b/one -> ../y` stays
 * inside wherever `a/b` goes (issue 9).
 */
static void climb(void) {
  mkdir("a", 0755);
  mkdir("a/b", 0755);
  printf("symlink a/b/two -> ../../x: %s\n", err(symlink("../../x", "a/b/two") ? errno : 0));
  printf("symlink a/b/one -> ../y: %s\n", err(symlink("../y", "a/b/one") ? errno : 0));
  printf("rename a/b -> b: %s\n", err(rename("a/b", "b") ? errno : 0));
}

int main(int argc, char **argv) {
  const char *end = "return";
  for (int i = 1; i < argc; i++) {
    const char *c = argv[i];
    if (!strncmp(c, "end=", 4)) end = c + 4;
    else if (!strncmp(c, "cd=", 3)) printf("cd: %s\n", err(chdir(c + 3) ? errno : 0));
    else if (!strcmp(c, "fds")) fds();
    else if (!strcmp(c, "fill")) fill();
    else if (!strcmp(c, "sparse")) sparse();
    else if (!strcmp(c, "inodes")) inodes(0);
    else if (!strcmp(c, "links")) inodes(1);
    else if (!strncmp(c, "deep=", 5)) deep(atol(c + 5));
    else if (!strcmp(c, "names")) names();
    else if (!strcmp(c, "listings")) listings();
    else if (!strcmp(c, "pollmax")) pollmax();
    else if (!strcmp(c, "forge")) forge();
    else if (!strcmp(c, "symout")) symout();
    else if (!strncmp(c, "chain=", 6)) chain(atol(c + 6));
    else if (!strcmp(c, "climb")) climb();
    else { printf("unknown command %s\n", c); return 2; }
    fflush(stdout);
  }
  if (!strcmp(end, "exit")) exit(3);
  if (!strcmp(end, "trap")) __builtin_trap();
  return 0;
}
