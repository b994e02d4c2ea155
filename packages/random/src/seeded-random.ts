import type { RandomSource } from '@vos/core';

/** What a seed may be: an integer (number or bigint, taken modulo 2^64) or a string (hashed, see below). */
export type Seed = number | bigint | string;

const MASK64 = (1n << 64n) - 1n;

/**
 * Reproducible `random_get`: the same seed gives the same byte stream on every platform and Node version
 * (only 32-bit integer arithmetic, `Math.imul` and shifts, all exactly specified by ECMAScript).
 *
 * The algorithm, exactly (known-answer vectors in seeded-random.test.ts, produced by the C reference code):
 * 1. Seed to 64 bits: an integer seed is taken modulo 2^64 (so -1 is 2^64-1); a string seed is its UTF-8 bytes
 *    hashed with FNV-1a 64 (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
 * 2. State expansion, as the xoshiro authors recommend: two outputs a, b of SplitMix64 started at the 64-bit
 *    seed give the 128-bit state s0 = low32(a), s1 = high32(a), s2 = low32(b), s3 = high32(b). SplitMix64 never
 *    gives the all-zero state xoshiro must avoid from two consecutive outputs.
 * 3. Output: xoshiro128** 1.1 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c), one 32-bit word
 *    per step, emitted as 4 bytes little-endian.
 * 4. The byte stream does not depend on how it is requested: bytes left over from a word are used first by the
 *    next `fill`, so fill(3) then fill(5) gives the same 8 bytes as fill(8).
 *
 * Not a CSPRNG: for tests and reproducible runs only.
 */
export class SeededRandom implements RandomSource {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Unused bytes of the last word, low byte first, and how many there are (0-3). */
  private spare = 0;
  private spareCount = 0;

  constructor(seed: Seed = 0) {
    let sm = seedTo64(seed);
    const next64 = (): bigint => {
      sm = (sm + 0x9e3779b97f4a7c15n) & MASK64;
      let z = sm;
      z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
      z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
      return z ^ (z >> 31n);
    };
    const a = next64();
    const b = next64();
    this.s0 = Number(a & 0xffffffffn) | 0;
    this.s1 = Number(a >> 32n) | 0;
    this.s2 = Number(b & 0xffffffffn) | 0;
    this.s3 = Number(b >> 32n) | 0;
  }

  /** A generator in an exact xoshiro128** state (for the reference vectors; the state must not be all zero). */
  static fromState(s0: number, s1: number, s2: number, s3: number): SeededRandom {
    const r = new SeededRandom(0);
    r.s0 = s0 | 0;
    r.s1 = s1 | 0;
    r.s2 = s2 | 0;
    r.s3 = s3 | 0;
    return r;
  }

  /** The next 32-bit output, unsigned. Bypasses (and does not disturb) the spare bytes of `fill`. */
  nextUint32(): number {
    const s1 = this.s1;
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 = s1 ^ this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return r >>> 0;
  }

  /** Fills `buf[off..off+len)` in place, a word at a time (no intermediate buffer). */
  fill(buf: Uint8Array, off: number, len: number): void {
    const end = off + len;
    while (this.spareCount > 0 && off < end) {
      buf[off++] = this.spare & 0xff;
      this.spare >>>= 8;
      this.spareCount--;
    }
    while (end - off >= 4) {
      const w = this.nextUint32();
      buf[off] = w;
      buf[off + 1] = w >>> 8;
      buf[off + 2] = w >>> 16;
      buf[off + 3] = w >>> 24;
      off += 4;
    }
    if (off < end) {
      let w = this.nextUint32();
      let left = 4;
      while (off < end) {
        buf[off++] = w & 0xff;
        w >>>= 8;
        left--;
      }
      this.spare = w;
      this.spareCount = left;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function seedTo64(seed: Seed): bigint {
  if (typeof seed === 'bigint') return seed & MASK64;
  if (typeof seed === 'number') {
    if (!Number.isSafeInteger(seed)) throw new TypeError('vos: a numeric seed must be a safe integer');
    return BigInt(seed) & MASK64;
  }
  if (typeof seed === 'string') return fnv1a64(new TextEncoder().encode(seed));
  throw new TypeError('vos: a seed is a number, a bigint or a string');
}

function fnv1a64(bytes: Uint8Array): bigint {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & MASK64;
  return h;
}
