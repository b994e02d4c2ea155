/* Symlinks: readlink (incl. truncation), follow vs nofollow (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW), dangling
 * links, loops (ELOOP), links in intermediate components, and targets that leave the sandbox. */
#include "common.h"

static void show_readlink(const char *label, const char *path, size_t cap) {
  char buf[64];
  errno = 0;
  ssize_t n = readlink(path, buf, cap);
  if (n < 0) printf("%s: %s\n", label, errname(errno));
  else printf("%s: %zd \"%.*s\"\n", label, n, (int)n, buf);
}

int main(void) {
  enter_sandbox();
  struct stat st;
  char buf[64];
  CHECK("write f", write_file("f", "file-data"));
  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("write d/inner", write_file("d/inner", "inner-data"));

  CHECK("symlink sf -> f", symlink("f", "sf"));
  CHECK("symlink sf again", symlink("f", "sf"));
  show_readlink("readlink sf", "sf", sizeof buf);
  CHECK("symlink long -> a-rather-long-target-name", symlink("a-rather-long-target-name", "long"));
  show_readlink("readlink long into 4 bytes", "long", 4);
  show_readlink("readlink long into 1 byte", "long", 1);
  show_readlink("readlink of a regular file", "f", sizeof buf);
  show_readlink("readlink missing", "missing", sizeof buf);
  show_file("read through sf", "sf");
  CHECK("open sf O_NOFOLLOW", open("sf", O_RDONLY | O_NOFOLLOW));
  CHECK("stat sf", stat("sf", &st));
  YESNO("stat sf is regular", S_ISREG(st.st_mode));
  CHECK("lstat sf", lstat("sf", &st));
  YESNO("lstat sf is symlink", S_ISLNK(st.st_mode));
  printf("lstat sf size: %lld\n", (long long)st.st_size);
  CHECK("fstatat sf AT_SYMLINK_NOFOLLOW", fstatat(AT_FDCWD, "sf", &st, AT_SYMLINK_NOFOLLOW));
  YESNO("fstatat nofollow is symlink", S_ISLNK(st.st_mode));

  /* Links in the middle of a path are always followed. */
  CHECK("symlink sd -> d", symlink("d", "sd"));
  show_file("read sd/inner", "sd/inner");
  CHECK("open sd/inner O_NOFOLLOW", open("sd/inner", O_RDONLY | O_NOFOLLOW));
  CHECK("open sd O_DIRECTORY|O_NOFOLLOW", open("sd", O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
  CHECK("open sd O_DIRECTORY", open("sd", O_RDONLY | O_DIRECTORY));
  CHECK("symlink d/up -> ../f", symlink("../f", "d/up"));
  show_file("read d/up (.. inside the sandbox)", "d/up");
  CHECK("symlink chain c1 -> c2 -> sf", symlink("c2", "c1") | symlink("sf", "c2"));
  show_file("read c1", "c1");

  /* Dangling links. */
  CHECK("symlink dangling -> nowhere", symlink("nowhere", "dangling"));
  CHECK("open dangling", open("dangling", O_RDONLY));
  CHECK("stat dangling", stat("dangling", &st));
  CHECK("lstat dangling", lstat("dangling", &st));
  CHECK("open dangling O_NOFOLLOW", open("dangling", O_RDONLY | O_NOFOLLOW));

  /* Loops. */
  CHECK("symlink loop1 -> loop2", symlink("loop2", "loop1"));
  CHECK("symlink loop2 -> loop1", symlink("loop1", "loop2"));
  CHECK("open loop1", open("loop1", O_RDONLY));
  CHECK("stat loop1", stat("loop1", &st));
  CHECK("lstat loop1", lstat("loop1", &st));
  CHECK("symlink self -> self", symlink("self", "self"));
  CHECK("stat self", stat("self", &st));
  CHECK("stat self/x", stat("self/x", &st));
  CHECK("mkdir loop1/x", mkdir("loop1/x", 0755));

  /* Targets outside the sandbox: creating the link is fine, following it is refused. */
  CHECK("symlink abs -> /etc/passwd", symlink("/etc/passwd", "abs"));
  CHECK("open abs", open("abs", O_RDONLY));
  CHECK("stat abs", stat("abs", &st));
  CHECK("lstat abs", lstat("abs", &st));
  show_readlink("readlink abs", "abs", sizeof buf);
  CHECK("symlink out -> ../outside", symlink("../outside", "out"));
  CHECK("open out", open("out", O_RDONLY));
  CHECK("open out O_CREAT", open("out", O_WRONLY | O_CREAT, 0644));
  CHECK("symlink deepout -> d/../../x", symlink("d/../../x", "deepout"));
  CHECK("stat deepout", stat("deepout", &st));
  CHECK("symlink root -> /", symlink("/", "root"));
  CHECK("stat root/f", stat("root/f", &st));

  /* unlink removes the link, not its target. */
  CHECK("unlink sf", unlink("sf"));
  CHECK("stat f after unlink sf", stat("f", &st));
  CHECK("lstat sf after unlink", lstat("sf", &st));
  CHECK("rmdir sd (a link to a dir)", rmdir("sd"));
  CHECK("unlink sd", unlink("sd"));
  CHECK("stat d after unlink sd", stat("d", &st));
  return 0;
}
