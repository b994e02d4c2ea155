/* path_* basics on files and directories: create/remove/stat errors, `..` handling, sandbox escapes,
 * raw path_open argument errors. */
#include "common.h"

int main(void) {
  enter_sandbox();
  struct stat st;
  CHECK("mkdir d", mkdir("d", 0755));
  CHECK("mkdir d again", mkdir("d", 0755));
  CHECK("mkdir missing parent", mkdir("nope/x", 0755));
  CHECK("write f", write_file("f", "data"));
  CHECK("mkdir under a file", mkdir("f/x", 0755));
  CHECK("mkdir existing file", mkdir("f", 0755));
  CHECK("write d/inner", write_file("d/inner", "in"));

  CHECK("stat f", stat("f", &st));
  printf("stat f: size %lld regular %s\n", (long long)st.st_size, S_ISREG(st.st_mode) ? "yes" : "no");
  CHECK("stat d", stat("d", &st));
  YESNO("stat d is dir", S_ISDIR(st.st_mode));
  CHECK("stat missing", stat("missing", &st));
  CHECK("stat through a file", stat("f/x", &st));
  CHECK("stat .", stat(".", &st));
  YESNO("stat . is dir", S_ISDIR(st.st_mode));
  CHECK("stat d/..", stat("d/..", &st));
  CHECK("stat d/../f", stat("d/../f", &st));
  CHECK("stat d/./inner", stat("d/./inner", &st));
  CHECK("stat d//inner", stat("d//inner", &st));
  CHECK("access f F_OK", access("f", F_OK));
  CHECK("access missing F_OK", access("missing", F_OK));

  CHECK("rmdir non-empty", rmdir("d"));
  CHECK("rmdir a file", rmdir("f"));
  CHECK("rmdir missing", rmdir("missing"));
  CHECK("unlink a directory", unlink("d"));
  CHECK("unlink missing", unlink("missing"));
  CHECK("unlink d/inner", unlink("d/inner"));
  CHECK("rmdir d", rmdir("d"));
  CHECK("stat d after rmdir", stat("d", &st));

  /* Escaping the preopen is refused, however the path climbs. */
  CHECK("open ../x", open("../x", O_RDONLY));
  CHECK("open ../x O_CREAT", open("../x", O_WRONLY | O_CREAT, 0644));
  CHECK("mkdir ../x", mkdir("../x", 0755));
  CHECK("stat ..", stat("..", &st));
  CHECK("mkdir e", mkdir("e", 0755));
  CHECK("stat e/../../x", stat("e/../../x", &st));
  CHECK("stat e/.. (back at the root)", stat("e/..", &st));
  CHECK("open /sandbox/e/../f", open("/sandbox/e/../f", O_RDONLY));

  /* Raw path_open, where the path is passed to the host verbatim. */
  __wasi_fd_t root = sandbox_fd(), fd;
  WASI("path_open absolute path", __wasi_path_open(root, 0, "/f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  WASI("path_open ..", __wasi_path_open(root, 0, "..", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  WASI("path_open .", __wasi_path_open(root, 0, ".", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &fd));
  __wasi_fd_close(fd);
  WASI("path_open empty path", __wasi_path_open(root, 0, "", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  WASI("path_open bad fd", __wasi_path_open(99, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  WASI("path_open on stdout fd", __wasi_path_open(1, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  __wasi_fd_t ffd;
  WASI("path_open f", __wasi_path_open(root, 0, "f", 0, __WASI_RIGHTS_FD_READ, 0, 0, &ffd));
  WASI("path_open with a file as dirfd", __wasi_path_open(ffd, 0, "x", 0, __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  WASI("path_create_directory with a file as dirfd", __wasi_path_create_directory(ffd, "x"));
  __wasi_fd_close(ffd);
  WASI("path_open O_CREAT|O_DIRECTORY", __wasi_path_open(root, 0, "newdir", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_DIRECTORY,
                                                         __WASI_RIGHTS_FD_READ, 0, 0, &fd));
  WASI("path_open O_TRUNC on a directory", __wasi_path_open(root, 0, "e", __WASI_OFLAGS_TRUNC,
                                                            __WASI_RIGHTS_FD_WRITE, 0, 0, &fd));
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  CHECK("open 299-byte name", open(longname, O_WRONLY | O_CREAT, 0644));
  CHECK("mkdir 299-byte name", mkdir(longname, 0755));
  return 0;
}
