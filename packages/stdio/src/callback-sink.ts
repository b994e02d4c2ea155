import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Errno, Filetype } from '@vos/core';
import { virtualStat } from './virtual-stat';

/** Receives each chunk the guest writes: its own copy, exactly the bytes written, never decoded. */
export type OutputCallback = (chunk: Uint8Array) => void;

/**
 * Output to a host callback, one call per guest write (wasi-libc's stdio buffering decides the chunking: a
 * chunk may end in the middle of a line or a UTF-8 sequence, so decode with a streaming TextDecoder, or use a
 * `CollectorSink`). The chunk is a copy, because the guest's memory must not be kept by the host. A callback
 * that throws fails the write with EIO instead of throwing into the guest. Reads are EBADF.
 */
export class CallbackSink implements Stream {
  readonly filetype = Filetype.UNKNOWN;

  constructor(private readonly callback: OutputCallback) {}

  read(_buf: Uint8Array, _off: number, _len: number): number {
    return -Errno.BADF;
  }

  write(buf: Uint8Array, off: number, len: number): number {
    if (len === 0) return 0;
    try {
      this.callback(buf.slice(off, off + len));
    } catch {
      return -Errno.IO;
    }
    return len;
  }

  stat(out: FileStat): Errno {
    return virtualStat(out);
  }
}
