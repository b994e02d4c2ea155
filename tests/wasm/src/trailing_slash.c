/* A trailing slash means "this must be a directory" for every path call (POSIX, as Linux and wasmtime). */
#include "common.h"

int main(void) {
  enter_sandbox();
  struct stat st;
  struct timespec times[2] = {{1, 0}, {2, 0}};
  char buf[32];
  CHECK("write f", write_file("f", "data"));
  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("symlink sf -> f", symlink("f", "sf"));
  CHECK("symlink sd -> d", symlink("d", "sd"));

  CHECK("open f/", open("f/", O_RDONLY));
  CHECK("open d/", open("d/", O_RDONLY));
  CHECK("open d//", open("d//", O_RDONLY));
  CHECK("open missing/ O_CREAT", open("missing/", O_WRONLY | O_CREAT, 0644));
  CHECK("open sf/", open("sf/", O_RDONLY));
  CHECK("open sd/", open("sd/", O_RDONLY));

  CHECK("stat f/", stat("f/", &st));
  CHECK("stat d/", stat("d/", &st));
  CHECK("lstat sd/", lstat("sd/", &st));
  YESNO("lstat sd/ follows to the dir", S_ISDIR(st.st_mode));
  CHECK("lstat sf/", lstat("sf/", &st));

  CHECK("mkdir n/", mkdir("n/", 0755));
  CHECK("mkdir n2//", mkdir("n2//", 0755));
  CHECK("mkdir f/ (exists as file)", mkdir("f/", 0755));
  CHECK("rmdir n/", rmdir("n/"));
  CHECK("rmdir n2//", rmdir("n2//"));
  CHECK("rmdir f/", rmdir("f/"));
  CHECK("rmdir sd/", rmdir("sd/"));

  CHECK("unlink f/", unlink("f/"));
  CHECK("unlink d/", unlink("d/"));
  CHECK("unlink sf/", unlink("sf/"));

  CHECK("rename f/ g", rename("f/", "g"));
  CHECK("rename f g/", rename("f", "g/"));
  CHECK("mkdir e", mkdir("e", 0755));
  CHECK("rename e/ e2/", rename("e/", "e2/"));
  CHECK("rename e2 e/", rename("e2", "e/"));
  CHECK("rename e/ f", rename("e/", "f"));

  CHECK("link f/ h", link("f/", "h"));
  CHECK("link f h/", link("f", "h/"));
  CHECK("link d/ h", link("d/", "h"));

  CHECK("symlink f s/", symlink("f", "s/"));
  CHECK("symlink x f/ (f exists)", symlink("x", "f/"));
  CHECK("symlink x d/ (d exists)", symlink("x", "d/"));
  CHECK("symlink d/ sd2 (target slash kept)", symlink("d/", "sd2"));
  CHECK_VAL("readlink sd2", readlink("sd2", buf, sizeof buf));

  CHECK("utimensat f/", utimensat(AT_FDCWD, "f/", times, 0));
  CHECK("utimensat d/", utimensat(AT_FDCWD, "d/", times, 0));

  CHECK("readlink sf/", readlink("sf/", buf, sizeof buf));
  CHECK("readlink sd/", readlink("sd/", buf, sizeof buf));
  CHECK("readlink f/", readlink("f/", buf, sizeof buf));
  return 0;
}
