import * as fs from 'node:fs';
import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Filetype, READABLE_EOF, READABLE_UNKNOWN } from '@vos/core';
import { Errno, errnoFromHostError } from '@vos/core';
import { hostFdNonBlocking, hostFdOffset } from './host-fd-info';
import { RetryBackoff } from './retry-backoff';

/** Probe state: not yet probed, probed and alive, or the fd was not open (every call then gives EBADF). */
const UNPROBED = 0;
const OPEN = 1;
const BAD_FD = 2;

/** Size of the read-ahead buffer that poll readiness checks fill (allocated on the first such check). */
const AHEAD_SIZE = 64 * 1024;
/** A wait with no time limit. */
const FOREVER = -1n;

/**
 * A `Stream` over an integer host fd, as node:wasi's `stdin`/`stdout`/`stderr` options are.
 *
 * - The fd is fstat'ed lazily, once, on first use: a TTY is CHARACTER_DEVICE, a regular file REGULAR_FILE, a
 *   directory DIRECTORY, and anything else, notably a pipe, FIFO or socket, UNKNOWN. wasi-libc line-buffers
 *   stdout only for a CHARACTER_DEVICE, so a pipe must not claim to be one. A socket (Node's `child_process`
 *   pipes are socketpairs) is not shown as one, as wasmtime shows such stdio: the guest cannot create or accept
 *   sockets through preview1, and must not be able to `sock_shutdown` the host's end (it gets ENOTSOCK). Streams are never
 *   seekable (as in wasmtime): I/O is sequential on the kernel offset, so the guest's output interleaves
 *   correctly with the host's own writes to the same file (`node app.js > out.txt`, `2>&1`).
 * - Reads and writes go straight between the caller's buffer and the fd (`fs.readSync`/`fs.writeSync`, no copy).
 *   The guest's fd is blocking, but Node may have made the host fd non-blocking (it does for stdio pipes and
 *   TTYs it opened as streams): EAGAIN is waited out with short `Atomics.wait` sleeps, never a busy loop.
 * - poll readiness (`readable`/`waitReadable`): a regular file is ready (bytes left from the kernel offset); a
 *   non-blocking fd is probed by reading ahead into a private buffer, which later reads drain first, so no byte
 *   is lost or reordered; a blocking pipe or terminal cannot be probed from Node (no poll, no FIONREAD) without
 *   blocking, so it is "unknown": ready, as wasmtime reports blocking streams, and the guest's read then blocks.
 * - Never throws: host errors become -errno through `errnoFromHostError`.
 * - `close()` never closes the host fd: the host's own fds outlive the guest.
 */
export class HostFdStream implements Stream {
  private state = UNPROBED;
  private kind: Filetype = Filetype.UNKNOWN;
  /** Made at the first EAGAIN: most streams never meet one. */
  private backoff: RetryBackoff | null = null;
  /** Read-ahead from readiness checks: bytes ahead[aheadStart..aheadEnd) come before anything else is read. */
  private ahead: Uint8Array | null = null;
  private aheadStart = 0;
  private aheadEnd = 0;
  /** A read-ahead met EOF: the next read reports it (once: a terminal can deliver more after ^D). */
  private aheadEof = false;

  constructor(readonly fd: number) {}

  get filetype(): Filetype {
    if (this.state === UNPROBED) this.probe();
    return this.kind;
  }

  /** Errors: EBADF (host fd not open), EISDIR, EAGAIN never (waited out), EIO and whatever the host reports. */
  read(buf: Uint8Array, off: number, len: number): number {
    if (this.state !== OPEN && !this.isOpen()) return -Errno.BADF;
    if (len === 0) return 0;
    if (this.aheadEnd > this.aheadStart) return this.drainAhead(buf, off, len);
    if (this.aheadEof) {
      this.aheadEof = false;
      return 0;
    }
    this.backoff?.reset();
    for (;;) {
      try {
        return fs.readSync(this.fd, buf, off, len, null);
      } catch (err) {
        const errno = errnoFromHostError(err);
        if (errno === Errno.AGAIN) (this.backoff ??= new RetryBackoff()).wait();
        else if (errno !== Errno.INTR) return -errno;
      }
    }
  }

  /**
   * Writes all of `buf[off..off+len)`, looping over short writes. If an error interrupts a partial write, the
   * bytes already written are reported (POSIX semantics) and the error surfaces on the next call.
   * Errors: EBADF, EPIPE, ENOSPC, EFBIG, EIO and whatever the host reports.
   */
  write(buf: Uint8Array, off: number, len: number): number {
    if (this.state !== OPEN && !this.isOpen()) return -Errno.BADF;
    let done = 0;
    this.backoff?.reset();
    while (done < len) {
      try {
        done += fs.writeSync(this.fd, buf, off + done, len - done, null);
      } catch (err) {
        const errno = errnoFromHostError(err);
        if (errno === Errno.AGAIN) (this.backoff ??= new RetryBackoff()).wait();
        else if (errno !== Errno.INTR) return done > 0 ? done : -errno;
      }
    }
    return done;
  }

  /** fstat of the host fd. Errors: EBADF, EIO. */
  stat(out: FileStat): Errno {
    if (this.state !== OPEN && !this.isOpen()) return Errno.BADF;
    try {
      const st = fs.fstatSync(this.fd, { bigint: true });
      out.dev = st.dev;
      out.ino = st.ino;
      out.filetype = this.kind;
      out.nlink = st.nlink;
      out.size = st.size;
      out.atim = st.atimeNs;
      out.mtim = st.mtimeNs;
      out.ctim = st.ctimeNs;
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * Bytes ready (> 0), 0 = not yet, READABLE_EOF at end of input (a read-ahead met it, or a file read to its end),
   * READABLE_UNKNOWN = ready with unknown count (errors, blocking fds that cannot tell).
   */
  readable(): number {
    if (this.state !== OPEN && !this.isOpen()) return READABLE_UNKNOWN;
    if (this.aheadEnd > this.aheadStart) return this.aheadEnd - this.aheadStart;
    if (this.aheadEof) return READABLE_EOF;
    if (this.kind === Filetype.REGULAR_FILE) return this.fileBytesLeft();
    if (hostFdNonBlocking(this.fd) !== 1) return READABLE_UNKNOWN;
    return this.readAhead();
  }

  /** Waits up to `timeoutNs` of real time (-1n: no limit) in backoff sleeps, or in one blocking read-ahead. */
  waitReadable(timeoutNs: bigint): number {
    let r = this.readable();
    if (r !== 0) return r;
    // readable() is 0 only for a non-blocking fd with nothing yet: retry its read-ahead in backoff sleeps.
    const deadline = timeoutNs < 0n ? FOREVER : process.hrtime.bigint() + timeoutNs;
    const backoff = (this.backoff ??= new RetryBackoff());
    backoff.reset();
    for (;;) {
      if (deadline !== FOREVER && process.hrtime.bigint() >= deadline) return 0;
      backoff.wait();
      r = this.readAhead();
      if (r !== 0) return r;
    }
  }

  /** The host fd belongs to the host: a guest closing its fd 0-2 must not close the host's. */
  close(): void {}

  /**
   * One read into the read-ahead buffer: bytes read, READABLE_EOF at EOF, READABLE_UNKNOWN on an error (ready:
   * the read will say), 0 on EAGAIN.
   */
  private readAhead(): number {
    const ahead = (this.ahead ??= new Uint8Array(AHEAD_SIZE));
    try {
      const n = fs.readSync(this.fd, ahead, 0, AHEAD_SIZE, null);
      this.aheadStart = 0;
      this.aheadEnd = n;
      if (n === 0) this.aheadEof = true;
      return n > 0 ? n : READABLE_EOF;
    } catch (err) {
      return errnoFromHostError(err) === Errno.AGAIN ? 0 : READABLE_UNKNOWN;
    }
  }

  private drainAhead(buf: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.aheadEnd - this.aheadStart);
    buf.set(this.ahead!.subarray(this.aheadStart, this.aheadStart + n), off);
    this.aheadStart += n;
    return n;
  }

  /** size - kernel offset, READABLE_EOF at the end, READABLE_UNKNOWN when the offset cannot be read. */
  private fileBytesLeft(): number {
    const pos = hostFdOffset(this.fd);
    if (pos < 0) return READABLE_UNKNOWN;
    try {
      const left = fs.fstatSync(this.fd).size - pos;
      return left > 0 ? left : READABLE_EOF;
    } catch {
      return READABLE_UNKNOWN;
    }
  }

  private isOpen(): boolean {
    if (this.state === UNPROBED) this.probe();
    return this.state === OPEN;
  }

  /**
   * Probes the fd now, with the one fstat its first use would make, and returns the host's error if the fd is not
   * open (null if it is). For hosts that refuse a closed fd at construction, as node:wasi's `uvwasi_init` does:
   * the check and the probe are one system call.
   */
  probeNow(): unknown {
    return this.probe();
  }

  private probe(): unknown {
    try {
      const st = fs.fstatSync(this.fd);
      this.state = OPEN;
      if (st.isCharacterDevice() && !isMemoryDevice(st.rdev) && isatty(this.fd)) this.kind = Filetype.CHARACTER_DEVICE;
      else if (st.isFile()) this.kind = Filetype.REGULAR_FILE;
      else if (st.isDirectory()) this.kind = Filetype.DIRECTORY;
      else this.kind = Filetype.UNKNOWN;
      return null;
    } catch (err) {
      this.state = BAD_FD;
      this.kind = Filetype.UNKNOWN;
      return err;
    }
  }
}

/**
 * Linux's memory devices (major 1: /dev/null, /dev/zero, /dev/full, /dev/urandom) are character devices that are
 * never terminals; a stdin of /dev/null (a daemon's, CI's, a child spawned with 'ignore') then needs no node:tty.
 */
function isMemoryDevice(rdev: number): boolean {
  return process.platform === 'linux' && ((rdev >> 8) & 0xfff) === 1;
}

/**
 * node:tty, loaded only to ask about a character device (only those can be terminals): loading it brings in
 * node:net and costs milliseconds of every start, for runs whose stdio are pipes and files as much as for others.
 */
let ttyModule: { isatty(fd: number): boolean } | undefined;
function isatty(fd: number): boolean {
  ttyModule ??= require('node:tty') as { isatty(fd: number): boolean };
  return ttyModule.isatty(fd);
}
