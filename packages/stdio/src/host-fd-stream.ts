import * as fs from 'node:fs';
import * as tty from 'node:tty';
import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Filetype } from './core';
import { Errno, errnoFromHostError } from './core';
import { hostFdOffset } from './host-fd-offset';
import { RetryBackoff } from './retry-backoff';

/** Probe state: not yet probed, probed and alive, or the fd was not open (every call then gives EBADF). */
const UNPROBED = 0;
const OPEN = 1;
const BAD_FD = 2;

/**
 * A `Stream` over an integer host fd, as node:wasi's `stdin`/`stdout`/`stderr` options are.
 *
 * - The fd is fstat'ed lazily, once, on first use: a TTY is CHARACTER_DEVICE, a regular file REGULAR_FILE
 *   (seekable), a directory DIRECTORY, a socket SOCKET_STREAM, and anything else, notably a pipe or FIFO,
 *   UNKNOWN. wasi-libc line-buffers stdout only for a CHARACTER_DEVICE, so a pipe must not claim to be one.
 * - Reads and writes go straight between the caller's buffer and the fd (`fs.readSync`/`fs.writeSync`, no copy).
 *   The guest's fd is blocking, but Node may have made the host fd non-blocking (it does for stdio pipes and
 *   TTYs it opened as streams): EAGAIN is waited out with short `Atomics.wait` sleeps, never a busy loop.
 * - Never throws: host errors become -errno through `errnoFromHostError`.
 * - `close()` never closes the host fd: the host's own fds outlive the guest.
 *
 * Seeking (regular files only). Node has no `lseek`, so the kernel offset can be read (Linux: /proc/self/fdinfo)
 * but not moved. Until the guest seeks somewhere else, I/O is sequential on the kernel offset, so the guest's
 * output interleaves correctly with the host's own writes to the same file (`node app.js > out.txt`, `2>&1`).
 * After the first seek that moves the offset, the stream keeps its own position and uses positional
 * reads/writes (pread/pwrite) from then on; the kernel offset is then no longer advanced by guest I/O.
 */
export class HostFdStream implements Stream {
  private state = UNPROBED;
  private kind: Filetype = Filetype.UNKNOWN;
  /** Logical offset: counted in sequential mode (fallback when the kernel offset is unreadable), owned in positional mode. */
  private position = 0;
  /** True once a seek moved the offset away from the kernel's: from then on all I/O is positional. */
  private positional = false;
  private readonly backoff = new RetryBackoff();

  constructor(readonly fd: number) {}

  get filetype(): Filetype {
    if (this.state === UNPROBED) this.probe();
    return this.kind;
  }

  get seekable(): boolean {
    return this.filetype === Filetype.REGULAR_FILE;
  }

  /** Present only on seekable streams, as the contract asks; the core adds seek/tell rights from `seekable`. */
  get seek(): ((offset: bigint, whence: number) => bigint | number) | undefined {
    return this.seekable ? this.seekImpl : undefined;
  }

  /** Errors: EBADF (host fd not open), EISDIR, EAGAIN never (waited out), EIO and whatever the host reports. */
  read(buf: Uint8Array, off: number, len: number): number {
    if (this.state !== OPEN && !this.isOpen()) return -Errno.BADF;
    if (len === 0) return 0;
    this.backoff.reset();
    for (;;) {
      try {
        const n = fs.readSync(this.fd, buf, off, len, this.positional ? this.position : null);
        this.position += n;
        return n;
      } catch (err) {
        const errno = errnoFromHostError(err);
        if (errno === Errno.AGAIN) this.backoff.wait();
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
    this.backoff.reset();
    while (done < len) {
      try {
        const n = fs.writeSync(this.fd, buf, off + done, len - done, this.positional ? this.position : null);
        this.position += n;
        done += n;
      } catch (err) {
        const errno = errnoFromHostError(err);
        if (errno === Errno.AGAIN) this.backoff.wait();
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

  /** Node cannot tell how many bytes are ready on an fd (not even size - offset for a file): always unknown. */
  readable(): number {
    return -1;
  }

  /** The host fd belongs to the host: a guest closing its fd 0-2 must not close the host's. */
  close(): void {}

  /** whence: 0 SET, 1 CUR, 2 END. Errors: EINVAL (negative or unrepresentable result), EBADF, EIO. */
  private readonly seekImpl = (offset: bigint, whence: number): bigint | number => {
    let current = this.position;
    if (!this.positional) {
      const kernel = hostFdOffset(this.fd);
      if (kernel >= 0) current = kernel;
    }
    let base: bigint;
    if (whence === 0) base = 0n;
    else if (whence === 1) base = BigInt(current);
    else if (whence === 2) {
      try {
        base = fs.fstatSync(this.fd, { bigint: true }).size;
      } catch (err) {
        return -errnoFromHostError(err);
      }
    } else return -Errno.INVAL;
    const target = base + offset;
    if (target < 0n || target > BigInt(Number.MAX_SAFE_INTEGER)) return -Errno.INVAL;
    const next = Number(target);
    if (next !== current) this.positional = true;
    this.position = next;
    return target;
  };

  private isOpen(): boolean {
    if (this.state === UNPROBED) this.probe();
    return this.state === OPEN;
  }

  private probe(): void {
    try {
      const st = fs.fstatSync(this.fd);
      this.state = OPEN;
      if (tty.isatty(this.fd)) this.kind = Filetype.CHARACTER_DEVICE;
      else if (st.isFile()) this.kind = Filetype.REGULAR_FILE;
      else if (st.isDirectory()) this.kind = Filetype.DIRECTORY;
      else if (st.isSocket()) this.kind = Filetype.SOCKET_STREAM;
      else this.kind = Filetype.UNKNOWN;
    } catch {
      this.state = BAD_FD;
      this.kind = Filetype.UNKNOWN;
    }
  }
}
