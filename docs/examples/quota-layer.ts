import { Errno, ForwardingFileSystem, newFileStat, type FileSystem, type FsHandle } from '@vos/core';

/**
 * A layer of your own over any backend: everything is forwarded unchanged except writes, which are refused with
 * ENOSPC once `maxBytes` have been written through this layer, and counted for the host to read.
 */
export class QuotaLayer extends ForwardingFileSystem {
  written = 0;
  private readonly probe = newFileStat();

  constructor(inner: FileSystem, readonly maxBytes: number) {
    super(inner);
  }

  override write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    if (this.written + len > this.maxBytes) return -Errno.NOSPC;
    const n = this.inner.write(h, buf, off, len, position);
    if (n > 0) this.written += n;
    return n;
  }

  /** Growing a file by truncate or allocate counts too (a hole is still a promise of bytes). */
  override truncate(h: FsHandle, size: number): Errno {
    const errno = this.inner.stat(h, this.probe);
    if (errno !== Errno.SUCCESS) return errno;
    const growth = size - Number(this.probe.size);
    if (growth > 0 && this.written + growth > this.maxBytes) return Errno.NOSPC;
    if (growth > 0) this.written += growth;
    return this.inner.truncate(h, size);
  }
}
