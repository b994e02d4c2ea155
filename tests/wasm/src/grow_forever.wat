;; A guest that grows its memory one 1 MiB step at a time until growth fails, then spins (a guest that ignores
;; failed growth); with a memory cap it is stopped at the first grow past the cap. Prints the pages it has
;; every 64 MiB so a host can see it run.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "grew\n")
  (func (export "_start")
    (loop $more
      (if (i32.eq (i32.and (memory.size) (i32.const 1023)) (i32.const 1))
        (then
          (i32.store (i32.const 0) (i32.const 16))
          (i32.store (i32.const 4) (i32.const 5))
          (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))
      (if (i32.ne (memory.grow (i32.const 16)) (i32.const -1)) (then (br $more))))
    (loop $forever (br $forever))))
