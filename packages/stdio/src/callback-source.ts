import { Errno, READABLE_UNKNOWN } from '@vos/core';
import { InputSource } from './input-source';

/**
 * Gives the next piece of stdin when the guest reads and everything given before has been read: text (sent as
 * UTF-8) or bytes; `null` (or an empty answer) ends the input. Called synchronously, on the guest's thread, with
 * the most bytes the guest asked for (a longer answer is kept for the next reads). An empty line is "\n".
 */
export type StdinCallback = (maxBytes: number) => string | Uint8Array | null;

/**
 * stdin from a host callback, asked on demand (a page's prompt, a scripted dialogue, a REPL driven by a test).
 * After `null` it is EOF forever (and poll reports the hang-up). A callback that throws fails the read with EIO
 * instead of throwing into the guest. Writes are EBADF.
 */
export class CallbackSource extends InputSource {
  private encoder: { encode(text: string): Uint8Array } | undefined;

  constructor(private readonly callback: StdinCallback) {
    super();
  }

  protected refill(maxBytes: number): number {
    let answer: unknown;
    try {
      answer = this.callback(maxBytes);
    } catch {
      return -Errno.IO;
    }
    let next: Uint8Array | null;
    if (typeof answer === 'string') next = (this.encoder ??= new TextEncoder()).encode(answer);
    else if (answer instanceof Uint8Array) next = answer.slice(); // the host may reuse its buffer
    else if (answer === null) next = null;
    else return -Errno.IO;
    if (next === null || next.length === 0) this.ended = true;
    else {
      this.pending = next;
      this.pos = 0;
    }
    return 0;
  }

  /** Ready with an unknown count: the next read asks the callback. */
  protected whenDrained(): number {
    return READABLE_UNKNOWN;
  }
}
