;; Snapshot 0 (`wasi_unstable`) ABI differences from preview1, exercised directly:
;;  - fd_seek whence order: CUR=0, END=1, SET=2 (preview1: SET=0, CUR=1, END=2);
;;  - filestat is 56 bytes with a u32 nlink at offset 20 (preview1: 64 bytes, u64 nlink at 24);
;;  - subscription is 56 bytes with an `identifier` u64 at offset 16 before the clock id (preview1: 48).
;; Prints `label: number` lines. Expects the preopen `/sandbox` at fd 3.
(module
  (import "wasi_unstable" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_seek" (func $fd_seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_filestat_get" (func $fd_filestat_get (param i32 i32) (result i32)))
  (import "wasi_unstable" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_unstable" "poll_oneoff" (func $poll_oneoff (param i32 i32 i32 i32) (result i32)))
  (import "wasi_unstable" "fd_close" (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)

  ;; 0..63 scratch for number formatting, 64.. iovec, 128.. strings, 1024.. filestat, 2048.. subscription,
  ;; 2304.. event, 4096.. data.
  (data (i32.const 128) "u.txt")
  (data (i32.const 4096) "0123456789")
  (data (i32.const 160) "open: ")
  (data (i32.const 176) "write: ")
  (data (i32.const 192) "seek SET(2) 2: ")
  (data (i32.const 224) "seek END(1) -1: ")
  (data (i32.const 256) "seek CUR(0) +1: ")
  (data (i32.const 288) "filestat_get: ")
  (data (i32.const 320) "filestat filetype: ")
  (data (i32.const 352) "filestat nlink (u32 at 20): ")
  (data (i32.const 384) "filestat size (at 24): ")
  (data (i32.const 416) "filestat byte 56 untouched: ")
  (data (i32.const 448) "poll_oneoff: ")
  (data (i32.const 480) "poll nevents: ")
  (data (i32.const 512) "event userdata: ")
  (data (i32.const 544) "event type: ")
  (data (i32.const 576) "event error: ")

  ;; Writes `len` bytes at `ptr` to stdout.
  (func $print (param $ptr i32) (param $len i32)
    (i32.store (i32.const 64) (local.get $ptr))
    (i32.store (i32.const 68) (local.get $len))
    (drop (call $fd_write (i32.const 1) (i32.const 64) (i32.const 1) (i32.const 72))))

  ;; Prints `<label><decimal value>\n`; negative values get a leading '-'.
  (func $line (param $label i32) (param $llen i32) (param $v i64)
    (local $p i32) (local $neg i32)
    (call $print (local.get $label) (local.get $llen))
    (local.set $neg (i64.lt_s (local.get $v) (i64.const 0)))
    (if (local.get $neg) (then (local.set $v (i64.sub (i64.const 0) (local.get $v)))))
    (local.set $p (i32.const 63))
    (i32.store8 (local.get $p) (i32.const 10))
    (loop $digits
      (local.set $p (i32.sub (local.get $p) (i32.const 1)))
      (i32.store8 (local.get $p) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $v) (i64.const 10)))))
      (local.set $v (i64.div_u (local.get $v) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $v) (i64.const 0))))
    (if (local.get $neg)
      (then (local.set $p (i32.sub (local.get $p) (i32.const 1))) (i32.store8 (local.get $p) (i32.const 45))))
    (call $print (local.get $p) (i32.sub (i32.const 64) (local.get $p))))

  (func (export "_start")
    (local $fd i32) (local $i i32)
    ;; path_open(3, follow, "u.txt", CREAT|TRUNC, read|seek|tell|write|filestat_get, 0, 0, &fd @ 96)
    (call $line (i32.const 160) (i32.const 6)
      (i64.extend_i32_u (call $path_open (i32.const 3) (i32.const 1) (i32.const 128) (i32.const 5)
        (i32.const 9) (i64.const 0x200066) (i64.const 0) (i32.const 0) (i32.const 96))))
    (local.set $fd (i32.load (i32.const 96)))
    (i32.store (i32.const 80) (i32.const 4096))
    (i32.store (i32.const 84) (i32.const 10))
    (call $line (i32.const 176) (i32.const 7)
      (i64.extend_i32_u (call $fd_write (local.get $fd) (i32.const 80) (i32.const 1) (i32.const 88))))

    ;; Whence values are snapshot-0's: SET=2, END=1, CUR=0. The new offset is written at 104.
    (drop (call $fd_seek (local.get $fd) (i64.const 2) (i32.const 2) (i32.const 104)))
    (call $line (i32.const 192) (i32.const 15) (i64.load (i32.const 104)))
    (drop (call $fd_seek (local.get $fd) (i64.const -1) (i32.const 1) (i32.const 104)))
    (call $line (i32.const 224) (i32.const 16) (i64.load (i32.const 104)))
    (drop (call $fd_seek (local.get $fd) (i64.const 1) (i32.const 0) (i32.const 104)))
    (call $line (i32.const 256) (i32.const 16) (i64.load (i32.const 104)))

    ;; filestat: fill 64 bytes with 0xff so we can see that exactly 56 are written.
    (local.set $i (i32.const 0))
    (loop $fill
      (i32.store8 (i32.add (i32.const 1024) (local.get $i)) (i32.const 0xff))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $fill (i32.lt_u (local.get $i) (i32.const 64))))
    (call $line (i32.const 288) (i32.const 14)
      (i64.extend_i32_u (call $fd_filestat_get (local.get $fd) (i32.const 1024))))
    (call $line (i32.const 320) (i32.const 19) (i64.load8_u (i32.const 1040)))
    (call $line (i32.const 352) (i32.const 28) (i64.load32_u (i32.const 1044)))
    (call $line (i32.const 384) (i32.const 23) (i64.load (i32.const 1048)))
    (call $line (i32.const 416) (i32.const 28) (i64.extend_i32_u (i32.eq (i32.load8_u (i32.const 1080)) (i32.const 0xff))))
    (drop (call $fd_close (local.get $fd)))

    ;; One relative 1 ms monotonic clock subscription in the 56-byte layout:
    ;; userdata@0, tag@8, identifier@16, clock_id@24, timeout@32, precision@40, flags@48.
    (i64.store (i32.const 2048) (i64.const 0x1234))
    (i32.store8 (i32.const 2056) (i32.const 0))
    (i64.store (i32.const 2064) (i64.const 99))
    (i32.store (i32.const 2072) (i32.const 1))
    (i64.store (i32.const 2080) (i64.const 1000000))
    (i64.store (i32.const 2088) (i64.const 0))
    (i32.store16 (i32.const 2096) (i32.const 0))
    (call $line (i32.const 448) (i32.const 13)
      (i64.extend_i32_u (call $poll_oneoff (i32.const 2048) (i32.const 2304) (i32.const 1) (i32.const 108))))
    (call $line (i32.const 480) (i32.const 14) (i64.load32_u (i32.const 108)))
    (call $line (i32.const 512) (i32.const 16) (i64.load (i32.const 2304)))
    (call $line (i32.const 576) (i32.const 13) (i64.load16_u (i32.const 2312)))
    (call $line (i32.const 544) (i32.const 12) (i64.load8_u (i32.const 2314))))
)
