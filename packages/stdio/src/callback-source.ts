import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Errno, Filetype } from '@vos/core';
import { virtualStat } from './virtual-stat';

/**
 * Gives the next piece of stdin when the guest reads and everything given before has been read: text (sent as
 * UTF-8) or bytes; `null` (or an empty answer) ends the input. Called synchronously, on the guest's thread, with
 * the most bytes the guest asked for (a longer answer is kept for the next reads). An empty line is "\n".
 */
export type StdinCallback = (maxBytes: number) => string | Uint8Array | null;

/**
 * stdin from a host callback, asked on demand (a page's prompt, a scripted dialogue, a REPL driven by a test).
 * After `null` it is EOF forever. A callback that throws fails the read with EIO instead of throwing into the
 * guest. Writes are EBADF.
 */
export class CallbackSource implements Stream {
  readonly filetype = Filetype.UNKNOWN;
  private pending: Uint8Array = new Uint8Array(0);
  private pos = 0;
  private ended = false;
  private encoder: { encode(text: string): Uint8Array } | undefined;

  constructor(private readonly callback: StdinCallback) {}

  read(buf: Uint8Array, off: number, len: number): number {
    if (len === 0) return 0;
    if (this.pos >= this.pending.length) {
      if (this.ended) return 0;
      let answer: unknown;
      try {
        answer = this.callback(len);
      } catch {
        return -Errno.IO;
      }
      let next: Uint8Array | null;
      if (typeof answer === 'string') next = (this.encoder ??= new TextEncoder()).encode(answer);
      else if (answer instanceof Uint8Array) next = answer.slice(); // the host may reuse its buffer
      else if (answer === null) next = null;
      else return -Errno.IO;
      if (next === null || next.length === 0) {
        this.ended = true;
        return 0;
      }
      this.pending = next;
      this.pos = 0;
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

  /** Bytes already given and not yet read, or -1: ready (the next read asks the callback, or is EOF). */
  readable(): number {
    const left = this.pending.length - this.pos;
    return left > 0 ? left : -1;
  }
}
