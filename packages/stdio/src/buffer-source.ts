import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Errno, Filetype, READABLE_EOF } from '@vos/core';
import { virtualStat } from './virtual-stat';

// One encoder for every instance (stateless): constructing a TextEncoder is a host-object allocation, which a
// browser makes several times dearer than a small JS object, and a BufferSource is made per guest.
const encoder = new TextEncoder();
// Never written: `data` is only read from.
const EMPTY = new Uint8Array(0);

/** What a host may give as stdin content: text (encoded as UTF-8) or bytes. */
export type StdinContent = string | Uint8Array;

/**
 * stdin from content known before the run: a string (UTF-8), a Buffer or a Uint8Array. Reads hand out the
 * bytes in order, as many as asked (partial reads at the end), then EOF forever. It is always ready for
 * poll_oneoff: bytes left, or EOF. Writes are EBADF (stdin is read-only).
 */
export class BufferSource implements Stream {
  readonly filetype = Filetype.UNKNOWN;
  private readonly data: Uint8Array;
  private pos = 0;

  /** The content is copied: later changes to the caller's buffer do not reach the guest. */
  constructor(content: StdinContent) {
    this.data = content.length === 0 ? EMPTY : typeof content === 'string' ? encoder.encode(content) : content.slice();
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.data.length - this.pos;
  }

  read(buf: Uint8Array, off: number, len: number): number {
    const n = Math.min(len, this.data.length - this.pos);
    if (n <= 0) return 0;
    buf.set(this.data.subarray(this.pos, this.pos + n), off);
    this.pos += n;
    return n;
  }

  write(_buf: Uint8Array, _off: number, _len: number): number {
    return -Errno.BADF;
  }

  stat(out: FileStat): Errno {
    return virtualStat(out);
  }

  /** Bytes left, or end of input (a read returns EOF at once; poll reports the hang-up). */
  readable(): number {
    const left = this.data.length - this.pos;
    return left > 0 ? left : READABLE_EOF;
  }
}
