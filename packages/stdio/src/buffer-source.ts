import { READABLE_EOF } from '@vos/core';
import { InputSource } from './input-source';

// One encoder for every instance (stateless): constructing a TextEncoder is a host-object allocation, which a
// browser makes several times dearer than a small JS object, and a BufferSource is made per guest.
const encoder = new TextEncoder();
// Never written: `pending` is only read from.
const EMPTY = new Uint8Array(0);

/** What a host may give as stdin content: text (encoded as UTF-8) or bytes. */
export type StdinContent = string | Uint8Array;

/**
 * stdin from content known before the run: a string (UTF-8), a Buffer or a Uint8Array. Reads hand out the
 * bytes in order, as many as asked (partial reads at the end), then EOF forever. It is always ready for
 * poll_oneoff: bytes left, or EOF. Writes are EBADF (stdin is read-only).
 */
export class BufferSource extends InputSource {
  /** The content is copied: later changes to the caller's buffer do not reach the guest. */
  constructor(content: StdinContent) {
    super();
    this.pending = content.length === 0 ? EMPTY : typeof content === 'string' ? encoder.encode(content) : content.slice();
    this.ended = this.pending.length === 0;
  }

  /** Bytes not yet read. */
  get remaining(): number {
    return this.pending.length - this.pos;
  }

  protected refill(): number {
    this.ended = true;
    return 0;
  }

  protected whenDrained(): number {
    return READABLE_EOF;
  }
}
