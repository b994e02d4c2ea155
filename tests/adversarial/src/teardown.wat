;; For the teardown test (issue 9): opens the preopen (fd 3) again eight times and a file in it, then ends with
;; its fds still open, as argc says: 1 returns from _start, 2 calls proc_exit(0), 3 traps (unreachable).
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $fd_readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) ".")
  (data (i32.const 24) "teardown.txt")
  (func (export "_start")
    (local $i i32)
    (drop (call $args_sizes_get (i32.const 0) (i32.const 4)))
    (loop $open
      ;; path_open(3, follow, ".", O_DIRECTORY, all rights, all rights, 0, fd at 8)
      (drop (call $path_open (i32.const 3) (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 2)
        (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
      ;; read a little of the listing (it stays held: the buffer is full)
      (drop (call $fd_readdir (i32.load (i32.const 8)) (i32.const 1024) (i32.const 32) (i64.const 0) (i32.const 12)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $open (i32.lt_u (local.get $i) (i32.const 8))))
    ;; path_open(3, 0, "teardown.txt", O_CREAT, all rights, all rights, 0, fd at 8)
    (drop (call $path_open (i32.const 3) (i32.const 0) (i32.const 24) (i32.const 12) (i32.const 1)
      (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 8)))
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 2)) (then (call $proc_exit (i32.const 0))))
    (if (i32.eq (i32.load (i32.const 0)) (i32.const 3)) (then unreachable))))
