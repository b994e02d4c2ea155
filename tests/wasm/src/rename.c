/* path_rename over files and directories, and the POSIX error cases. */
#include "common.h"

int main(void) {
  enter_sandbox();
  struct stat st;
  CHECK("write a", write_file("a", "A"));
  CHECK("write b", write_file("b", "B"));
  CHECK("rename a c", rename("a", "c"));
  CHECK("stat a after rename", stat("a", &st));
  show_file("read c", "c");
  CHECK("rename c over b", rename("c", "b"));
  show_file("read b", "b");
  CHECK("rename b b (same name)", rename("b", "b"));
  CHECK("rename missing", rename("missing", "x"));
  CHECK("rename into missing dir", rename("b", "nope/x"));

  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("mkdir empty", mkdir("empty", 0755));
  CHECK("mkdir full", mkdir("full", 0755));
  CHECK("write full/x", write_file("full/x", "x"));
  CHECK("rename file over dir", rename("b", "empty"));
  CHECK("rename dir over file", rename("d", "b"));
  CHECK("rename dir over non-empty dir", rename("d", "full"));
  CHECK("rename dir over empty dir", rename("d", "empty"));
  CHECK("stat d after", stat("d", &st));
  CHECK("stat empty after", stat("empty", &st));
  YESNO("empty is a dir", S_ISDIR(st.st_mode));

  CHECK("mkdir empty/sub", mkdir("empty/sub", 0755));
  CHECK("rename dir into its own subtree", rename("empty", "empty/sub/x"));
  CHECK("rename dir to its own child", rename("empty", "empty/x"));
  CHECK("rename . x", rename(".", "x"));
  CHECK("rename x ..", rename("b", ".."));
  CHECK("rename out of the sandbox", rename("b", "../b"));
  CHECK("rename from out of the sandbox", rename("../b", "b2"));

  CHECK("rename file into dir", rename("b", "full/b"));
  show_file("read full/b", "full/b");
  CHECK("rename dir with contents", rename("full", "moved"));
  show_file("read moved/x", "moved/x");
  CHECK("symlink s -> moved", symlink("moved", "s"));
  CHECK("rename symlink", rename("s", "s2"));
  CHECK("lstat s2", lstat("s2", &st));
  YESNO("s2 is a symlink", S_ISLNK(st.st_mode));
  return 0;
}
