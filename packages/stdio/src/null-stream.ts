import type { Stream } from '@vos/core';
import type { FileStat } from '@vos/core';
import { Filetype, READABLE_EOF } from '@vos/core';
import { Errno } from '@vos/core';
import { virtualStat } from './virtual-stat';

/**
 * Like /dev/null: reads hit EOF at once, writes swallow everything. It reports UNKNOWN rather than
 * CHARACTER_DEVICE, because to wasi-libc a character device means a terminal (`isatty`).
 */
export class NullStream implements Stream {
  readonly filetype = Filetype.UNKNOWN;

  read(_buf: Uint8Array, _off: number, _len: number): number {
    return 0;
  }

  write(_buf: Uint8Array, _off: number, len: number): number {
    return len;
  }

  stat(out: FileStat): Errno {
    return virtualStat(out);
  }

  /** End of input, always: poll_oneoff reports it ready with the hang-up flag, and a read returns EOF at once. */
  readable(): number {
    return READABLE_EOF;
  }
}
