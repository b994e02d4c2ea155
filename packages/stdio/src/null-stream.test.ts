import { NullStream } from './null-stream';
import { Filetype } from '@vos/core';
import { Errno } from '@vos/core';
import { newFileStat } from '@vos/core';

describe('NullStream', () => {
  const s = new NullStream();

  test('reads EOF and swallows writes', () => {
    expect(s.read(new Uint8Array(8), 0, 8)).toBe(0);
    expect(s.write(new Uint8Array(1 << 20), 0, 1 << 20)).toBe(1 << 20);
  });

  test('is not a terminal', () => {
    expect(s.filetype).toBe(Filetype.UNKNOWN);
    const st = newFileStat();
    expect(s.stat(st)).toBe(Errno.SUCCESS);
    expect(st.filetype).toBe(Filetype.UNKNOWN);
  });
});
