;; A guest that makes a few calls in a row (stats of a missing file in its preopen, fd 3: enough for the host to
;; start polling after each answer), prints one line at once after the last answer, and then never makes another
;; syscall: the line must reach the host while the guest still runs.
(module
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "spinning\n")
  (data (i32.const 32) "missing")
  (func (export "_start")
    (local $i i32)
    (loop $calls
      (drop (call $stat (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 7) (i32.const 64)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $calls (i32.lt_u (local.get $i) (i32.const 16))))
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 9))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (loop $forever (br $forever))))
