import { GuestMemory, utf8Length, writeUtf8 } from './memory';
import { StringBlock } from './context';

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function memoryWith(bytes: number[], at = 16): GuestMemory {
  const buffer = new ArrayBuffer(1024);
  new Uint8Array(buffer).set(bytes, at);
  const mem = new GuestMemory();
  mem.bind({ buffer });
  return mem;
}

/** What readUtf8 must answer: the strict decoder's string, or null where it refuses. */
function expected(bytes: number[]): string | null {
  try {
    return strict.decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

describe('GuestMemory.readUtf8 (ASCII built in JavaScript, the rest by the strict decoder)', () => {
  const ascii = (n: number): number[] => Array.from({ length: n }, (_, i) => 0x21 + (i % 90));
  const cases: Array<[string, number[]]> = [
    ['empty', []],
    ['a short ASCII path', [...Buffer.from('seq_io.dat')]],
    ['ASCII with a NUL (kept: readPath refuses it)', [0x61, 0x00, 0x62]],
    ['64 ASCII bytes (the longest built in JavaScript)', ascii(64)],
    ['65 ASCII bytes (decoder)', ascii(65)],
    ['255 ASCII bytes', ascii(255)],
    ['two-byte sequence', [0x61, 0xc3, 0xa9]],
    ['four-byte sequence', [0xf0, 0x9f, 0x98, 0x80]],
    ['a BOM is kept', [0xef, 0xbb, 0xbf, 0x61]],
    ['lone continuation byte', [0x61, 0x80]],
    ['overlong slash', [0xc0, 0xaf]],
    ['truncated sequence at the end', [0x61, 0x62, 0xe2, 0x82]],
    ['encoded surrogate', [0xed, 0xa0, 0x80]],
    ['0xff', [0xff]],
    ['invalid after 63 ASCII bytes', [...ascii(63), 0x80]],
    ['invalid after 300 ASCII bytes', [...ascii(300), 0xc3]],
  ];
  test.each(cases)('%s', (_name, bytes) => {
    const mem = memoryWith(bytes);
    expect(mem.readUtf8(16, bytes.length)).toBe(expected(bytes));
  });

  test.each(cases)('%s, once the instance has built its first strings itself (the decoder takes over)', (_name, bytes) => {
    const mem = memoryWith(bytes);
    for (let i = 0; i < 100; i++) expect(mem.readUtf8(16, bytes.length)).toBe(expected(bytes));
  });

  test('reads only the bytes asked for', () => {
    const mem = memoryWith([0x61, 0x62, 0x80]);
    expect(mem.readUtf8(16, 2)).toBe('ab');
    expect(mem.readUtf8(17, 1)).toBe('b');
    expect(mem.readUtf8(16, 3)).toBeNull();
  });
});

describe('writeUtf8', () => {
  test.each([['', ''], ['ascii', '/sandbox'], ['mixed', 'dé/ü/€'], ['astral', 'a😀b'], ['lone surrogate', 'a\ud800b']])(
    '%s: the same bytes as TextEncoder, utf8Length of them',
    (_name, s) => {
      const want = new TextEncoder().encode(s);
      const u8 = new Uint8Array(want.length + 8).fill(0xaa);
      expect(writeUtf8(s, u8, 3)).toBe(want.length);
      expect(utf8Length(s)).toBe(want.length);
      expect([...u8.subarray(3, 3 + want.length)]).toEqual([...want]);
      expect(u8[2]).toBe(0xaa);
      expect(u8[3 + want.length]).toBe(0xaa);
    },
  );

  test('StringBlock holds each string NUL-terminated at its offset', () => {
    const block = new StringBlock(['prog', '', 'dé', 'x😀']);
    const enc = new TextEncoder();
    const want = [...enc.encode('prog'), 0, 0, ...enc.encode('dé'), 0, ...enc.encode('x😀'), 0];
    expect([...block.bytes]).toEqual(want);
    expect(block.offsets).toEqual([0, 5, 6, 10]);
  });
});
