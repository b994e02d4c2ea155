import type { FileStat, Stream } from '@vos/core';
import { Errno, Filetype, READABLE_EOF } from '@vos/core';
import { virtualStat } from './virtual-stat';

/**
 * What the stdin sources share: bytes held for the guest (`pending` from `pos` on), handed out in order with
 * partial reads, a virtual stat, and EBADF for writes (stdin is read-only). A subclass refills `pending` when it is
 * drained (`refill`), or says the input has ended.
 */
// Never written (`pending` is only read from): one for every source, as a typed array is a dear allocation
// (an ArrayBuffer and a view) and a source is made per guest.
const NOTHING = new Uint8Array(0);

export abstract class InputSource implements Stream {
  readonly filetype = Filetype.UNKNOWN;
  protected pending: Uint8Array = NOTHING;
  protected pos = 0;
  protected ended = false;

  /**
   * Called when every held byte has been read and the input has not ended: set `pending`/`pos` to more bytes, set
   * `ended`, or return a negative errno to fail this read.
   */
  protected abstract refill(maxBytes: number): number;

  read(buf: Uint8Array, off: number, len: number): number {
    if (len === 0) return 0;
    if (this.pos >= this.pending.length) {
      if (this.ended) return 0;
      const r = this.refill(len);
      if (r < 0) return r;
      if (this.ended || this.pos >= this.pending.length) return 0;
    }
    const n = Math.min(len, this.pending.length - this.pos);
    buf.set(this.pending.subarray(this.pos, this.pos + n), off);
    this.pos += n;
    return n;
  }

  write(_buf: Uint8Array, _off: number, _len: number): number {
    return -Errno.BADF;
  }

  stat(out: FileStat): Errno {
    return virtualStat(out);
  }

  /** Bytes held and not yet read; at the end of input READABLE_EOF (poll reports the hang-up); else `whenDrained`. */
  readable(): number {
    const left = this.pending.length - this.pos;
    if (left > 0) return left;
    return this.ended ? READABLE_EOF : this.whenDrained();
  }

  /** What `readable()` says when nothing is held and the input has not ended. */
  protected abstract whenDrained(): number;
}
