import type { Errno } from '../abi/errno';
import type { Filetype } from '../abi/constants';
import type { FileStat } from './fs';

/**
 * A byte stream for fds 0-2 (and anything else that is not a file in a filesystem): a host fd, a buffer,
 * a callback, a null device. Same conventions as the filesystem contract: counts or negated errnos, no throws.
 */
export interface Stream {
  /** WASI filetype reported by fdstat: CHARACTER_DEVICE only for a real terminal. */
  readonly filetype: Filetype;
  /** Whether the stream can be positioned (a host fd on a regular file); adds seek/tell rights. */
  readonly seekable: boolean;
  /** Bytes read into `buf[off..]` (0 = EOF), or -errno (EBADF if not readable, EAGAIN, EIO). */
  read(buf: Uint8Array, off: number, len: number): number;
  /** Bytes written from `buf[off..off+len)`, or -errno (EBADF if not writable, EPIPE, ENOSPC, EIO). */
  write(buf: Uint8Array, off: number, len: number): number;
  /** fstat of the stream. */
  stat(out: FileStat): Errno;
  /**
   * For `poll_oneoff` fd_read subscriptions: bytes known to be readable now, 0 at EOF or when nothing is
   * available yet, -1 when unknown (the core then reports it ready, as wasmtime does for blocking streams).
   */
  readable?(): number;
  /** Repositions (only when `seekable`): returns the new offset or -errno. whence: 0 set, 1 cur, 2 end. */
  seek?(offset: bigint, whence: number): bigint | number;
  /** Called when the guest's fd goes away; a host fd is never closed by a guest action. */
  close?(): void;
}

/** The three standard streams a guest starts with. */
export interface Stdio {
  readonly stdin: Stream;
  readonly stdout: Stream;
  readonly stderr: Stream;
}
