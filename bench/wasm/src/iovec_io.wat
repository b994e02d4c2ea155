;; The per-call cost of file I/O through one fd_write/fd_pwrite/fd_pread with one or several iovecs
;; (bench/iovec-io.js drives it). A reactor: the host calls `open` once, then `run(op, n, len, iovs)`, which makes
;; n calls moving `len` bytes split over `iovs` iovecs (buffers from 65536 on, the iovec array at 1024) and
;; returns the last call's byte count, or -errno.
(module
  (import "wasi_snapshot_preview1" "path_open" (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pwrite" (func $fd_pwrite (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_pread" (func $fd_pread (param i32 i32 i32 i64 i32) (result i32)))
  (memory (export "memory") 4)
  (data (i32.const 16) "iovec_io.dat")
  (global $fd (mut i32) (i32.const -1))

  ;; Opens (creating) iovec_io.dat in the preopen at fd 3 with read/write/seek rights: the fd, or -1000 - errno.
  (func (export "open") (result i32)
    (local $e i32)
    (local.set $e (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 12) (i32.const 1)
      (i64.const 0x66) (i64.const 0) (i32.const 0) (i32.const 32)))
    (if (local.get $e) (then (return (i32.sub (i32.const -1000) (local.get $e)))))
    (global.set $fd (i32.load (i32.const 32)))
    (global.get $fd))

  ;; op 0: fd_write (appends: the file grows), 1: fd_pwrite at 0, 2: fd_pread at 0.
  (func (export "run") (param $op i32) (param $n i32) (param $len i32) (param $iovs i32) (result i32)
    (local $i i32) (local $part i32) (local $e i32)
    (local.set $part (i32.div_u (local.get $len) (local.get $iovs)))
    (block $done (loop $fill
      (br_if $done (i32.ge_u (local.get $i) (local.get $iovs)))
      (i32.store (i32.add (i32.const 1024) (i32.mul (local.get $i) (i32.const 8)))
        (i32.add (i32.const 65536) (i32.mul (local.get $i) (local.get $part))))
      (i32.store (i32.add (i32.const 1028) (i32.mul (local.get $i) (i32.const 8))) (local.get $part))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $fill)))
    (block $done (loop $call
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $e
        (if (result i32) (i32.eqz (local.get $op))
          (then (call $fd_write (global.get $fd) (i32.const 1024) (local.get $iovs) (i32.const 64)))
          (else (if (result i32) (i32.eq (local.get $op) (i32.const 1))
            (then (call $fd_pwrite (global.get $fd) (i32.const 1024) (local.get $iovs) (i64.const 0) (i32.const 64)))
            (else (call $fd_pread (global.get $fd) (i32.const 1024) (local.get $iovs) (i64.const 0) (i32.const 64)))))))
      (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $call)))
    (i32.load (i32.const 64)))
)
