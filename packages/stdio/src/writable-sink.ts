import type { Writable } from 'node:stream';
import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Errno, Filetype } from '@vos/core';
import { virtualStat } from './virtual-stat';

/**
 * Output to a Node `Writable` (a file stream, a socket, an HTTP response, a PassThrough...).
 *
 * The guest runs synchronously on the event loop's thread, so the Writable cannot flush while it runs: each
 * guest write is handed to `writable.write()` as a Buffer copy (bytes unchanged, never a string), and Node
 * queues it. Nothing is lost: `write()` returning false is only a request to slow down, which a synchronous
 * guest cannot honour, so the queue holds the run's output until the event loop runs again. Backpressure is
 * honoured at the only point where it can be: `await sink.drained()` after the run (before writing more or
 * ending the stream) resolves once the Writable has drained its queue. A destroyed or ended Writable gives EPIPE.
 * A guest that writes gigabytes should write to a host fd (`HostFdStream`) instead, which blocks properly.
 */
export class WritableSink implements Stream {
  readonly filetype = Filetype.UNKNOWN;
  private failed = false;

  constructor(readonly writable: Writable) {
    // An error after the run must not crash the host as an unhandled 'error' event; the next write reports it.
    writable.on('error', () => {
      this.failed = true;
    });
  }

  read(_buf: Uint8Array, _off: number, _len: number): number {
    return -Errno.BADF;
  }

  write(buf: Uint8Array, off: number, len: number): number {
    const w = this.writable;
    if (this.failed || w.destroyed || w.writableEnded) return -Errno.PIPE;
    if (len === 0) return 0;
    w.write(Buffer.from(buf.subarray(off, off + len)));
    return len;
  }

  stat(out: FileStat): Errno {
    return virtualStat(out);
  }

  /** Resolves once the Writable's queue is below its high-water mark again (at once if it already is). */
  drained(): Promise<void> {
    const w = this.writable;
    if (!w.writableNeedDrain || w.destroyed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        w.off('drain', done);
        w.off('close', done);
        resolve();
      };
      w.on('drain', done);
      w.on('close', done);
    });
  }
}
