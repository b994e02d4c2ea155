/* path_link: nlink counts, same inode, shared contents, and the error cases. */
#include "common.h"

int main(void) {
  enter_sandbox();
  struct stat a, b;
  CHECK("write f", write_file("f", "one"));
  CHECK("stat f", stat("f", &a));
  printf("nlink before: %llu\n", (unsigned long long)a.st_nlink);
  CHECK("link f h", link("f", "h"));
  CHECK("stat f", stat("f", &a));
  CHECK("stat h", stat("h", &b));
  printf("nlink after link: %llu %llu\n", (unsigned long long)a.st_nlink, (unsigned long long)b.st_nlink);
  YESNO("same ino", a.st_ino == b.st_ino);
  YESNO("same dev", a.st_dev == b.st_dev);
  CHECK("write through h", write_file("h", "two"));
  show_file("read f", "f");
  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("link f d/h2", link("f", "d/h2"));
  CHECK("stat f", stat("f", &a));
  printf("nlink with 3 names: %llu\n", (unsigned long long)a.st_nlink);
  int fd = open("f", O_RDONLY);
  struct stat fs;
  CHECK("fstat f", fstat(fd, &fs));
  printf("fstat nlink: %llu\n", (unsigned long long)fs.st_nlink);
  YESNO("fstat ino matches stat ino", fs.st_ino == a.st_ino);
  close(fd);
  CHECK("unlink f", unlink("f"));
  CHECK("stat h", stat("h", &b));
  printf("nlink after unlink: %llu\n", (unsigned long long)b.st_nlink);
  show_file("read h after unlink f", "h");

  CHECK("link to existing name", link("h", "d/h2"));
  CHECK("link missing source", link("missing", "x"));
  CHECK("link into missing dir", link("h", "nope/x"));
  CHECK("link a directory", link("d", "dlink"));
  CHECK("link out of the sandbox", link("h", "../x"));
  CHECK("link from out of the sandbox", link("../x", "y"));

  /* Without AT_SYMLINK_FOLLOW, linking a symlink links the symlink itself. */
  CHECK("symlink s -> h", symlink("h", "s"));
  CHECK("link s hs", link("s", "hs"));
  CHECK("lstat hs", lstat("hs", &b));
  YESNO("hs is a symlink", S_ISLNK(b.st_mode));
  CHECK("linkat AT_SYMLINK_FOLLOW s hf", linkat(AT_FDCWD, "s", AT_FDCWD, "hf", AT_SYMLINK_FOLLOW));
  return 0;
}
