import type { Errno } from '../abi/errno';
import type { Filetype } from '../abi/constants';
import type { FileStat } from './fs';

/** `Stream.readable()`: ready, but how many bytes is not known (blocking streams, errors). */
export const READABLE_UNKNOWN = -1;
/** `Stream.readable()`: end of input; a read returns 0 at once. poll_oneoff reports FD_READWRITE_HANGUP. */
export const READABLE_EOF = -2;

/**
 * A byte stream for fds 0-2 (and anything else that is not a file in a filesystem): a host fd, a buffer,
 * a callback, a null device. Same conventions as the filesystem contract: counts or negated errnos, no throws.
 */
export interface Stream {
  /** WASI filetype reported by fdstat: CHARACTER_DEVICE only for a real terminal. */
  readonly filetype: Filetype;
  /** Bytes read into `buf[off..]` (0 = EOF), or -errno (EBADF if not readable, EAGAIN, EIO). */
  read(buf: Uint8Array, off: number, len: number): number;
  /** Bytes written from `buf[off..off+len)`, or -errno (EBADF if not writable, EPIPE, ENOSPC, EIO). */
  write(buf: Uint8Array, off: number, len: number): number;
  /** fstat of the stream. */
  stat(out: FileStat): Errno;
  /**
   * For `poll_oneoff` fd_read subscriptions: bytes known to be readable now (> 0), 0 when nothing is available
   * yet (not ready: a read would block), `READABLE_EOF` at end of input (a read returns 0 at once; the core sets
   * FD_READWRITE_HANGUP), `READABLE_UNKNOWN` when ready with an unknown count: streams that cannot tell (the
   * core reports them ready, as wasmtime does for blocking streams) and errors (the read will say which).
   * Absent means always `READABLE_UNKNOWN`.
   */
  readable?(): number;
  /**
   * Blocks (without spinning) until the stream is readable or `timeoutNs` of real time has passed (-1n: no
   * limit), then answers as `readable()`. Only called after `readable()` returned 0. A stream without it that
   * is not ready is waited for only through the clock subscriptions of the poll, or reported ready if it has none.
   */
  waitReadable?(timeoutNs: bigint): number;
  /** Called when the guest's fd goes away; a host fd is never closed by a guest action. */
  close?(): void;
}

/** The three standard streams a guest starts with. */
export interface Stdio {
  readonly stdin: Stream;
  readonly stdout: Stream;
  readonly stderr: Stream;
}
