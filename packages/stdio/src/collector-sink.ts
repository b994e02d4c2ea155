import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Errno, Filetype } from '@vos/core';
import { virtualStat } from './virtual-stat';

/** Capacity of the first buffer, made at the first write: a sink nothing is written to holds no buffer. */
const INITIAL_CAPACITY = 256;
const NO_BYTES = new Uint8Array(0);

/**
 * Keeps everything the guest writes, for reading after the run: `bytes()` exactly as written, `text()` decoded
 * as UTF-8 in one piece (so a character split across two writes decodes correctly). The buffer doubles when
 * full, so N bytes of output cost O(N) copying, not O(N^2). Reads are EBADF.
 */
export class CollectorSink implements Stream {
  readonly filetype = Filetype.UNKNOWN;
  private buf = NO_BYTES;
  private size = 0;

  read(_buf: Uint8Array, _off: number, _len: number): number {
    return -Errno.BADF;
  }

  write(src: Uint8Array, off: number, len: number): number {
    const need = this.size + len;
    if (need > this.buf.length) {
      let cap = Math.max(this.buf.length * 2, INITIAL_CAPACITY);
      while (cap < need) cap *= 2;
      const grown = new Uint8Array(cap);
      grown.set(this.buf.subarray(0, this.size));
      this.buf = grown;
    }
    this.buf.set(src.subarray(off, off + len), this.size);
    this.size = need;
    return len;
  }

  stat(out: FileStat): Errno {
    return virtualStat(out);
  }

  /** Number of bytes collected. */
  get length(): number {
    return this.size;
  }

  /** A copy of the bytes collected so far. */
  bytes(): Uint8Array {
    return this.buf.slice(0, this.size);
  }

  /** The bytes collected so far, decoded as UTF-8 (invalid sequences become U+FFFD). */
  text(): string {
    // ignoreBOM: a leading U+FEFF is part of the output, not something to strip.
    return new TextDecoder('utf-8', { ignoreBOM: true }).decode(this.buf.subarray(0, this.size));
  }

  /** Forgets what was collected (e.g. between two runs). */
  clear(): void {
    this.size = 0;
  }
}
