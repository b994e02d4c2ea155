{
  "targets": [
    {
      "target_name": "vos_fs",
      "sources": ["native/vos_fs.c"],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [["OS!='linux'", {"type": "none", "sources!": ["native/vos_fs.c"]}]]
    }
  ]
}
