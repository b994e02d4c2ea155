import { CryptoRandom } from './crypto-random';

describe('CryptoRandom', () => {
  const random = new CryptoRandom();

  test('fills exactly buf[off..off+len) and leaves the rest alone', () => {
    const buf = new Uint8Array(4096).fill(0xaa);
    random.fill(buf, 100, 3000);
    expect(buf.subarray(0, 100).every((b) => b === 0xaa)).toBe(true);
    expect(buf.subarray(3100).every((b) => b === 0xaa)).toBe(true);
    // 3000 random bytes all equal to 0xaa has probability 2^-24000.
    expect(buf.subarray(100, 3100).some((b) => b !== 0xaa)).toBe(true);
  });

  test('len 0 touches nothing', () => {
    const buf = new Uint8Array(16).fill(7);
    random.fill(buf, 16, 0);
    random.fill(buf, 3, 0);
    expect(buf.every((b) => b === 7)).toBe(true);
  });

  test('fills a subarray view at the right place in its buffer', () => {
    const backing = new Uint8Array(64);
    const view = backing.subarray(16, 48);
    random.fill(view, 8, 16);
    expect(backing.subarray(0, 24).every((b) => b === 0)).toBe(true);
    expect(backing.subarray(40).every((b) => b === 0)).toBe(true);
  });

  test('two fills differ', () => {
    const a = new Uint8Array(32);
    const b = new Uint8Array(32);
    random.fill(a, 0, 32);
    random.fill(b, 0, 32);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
  });
});
