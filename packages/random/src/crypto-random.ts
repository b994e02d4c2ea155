import type { RandomSource } from '@vos/core';

/**
 * Node's `randomFillSync` rejects a single request above 2^31-1 bytes, while a guest may ask for up to its whole
 * 4 GiB memory; larger requests are filled in chunks of this size.
 */
const MAX_CHUNK = 1 << 30;

/**
 * `random_get` from the host CSPRNG. `randomFillSync` writes straight into the guest's buffer (no copy). It
 * throws only for an out-of-range window, which the core's bounds check rules out before we are called.
 */
export class CryptoRandom implements RandomSource {
  fill(buf: Uint8Array, off: number, len: number): void {
    const randomFillSync = (cryptoFill ??= loadCryptoFill());
    while (len > 0) {
      const n = len < MAX_CHUNK ? len : MAX_CHUNK;
      randomFillSync(buf, off, n);
      off += n;
      len -= n;
    }
  }
}

type Fill = (buf: Uint8Array, off: number, len: number) => unknown;

/**
 * node:crypto, loaded at the first `random_get`: loading it costs ~2 ms of every start (Node compiles its crypto
 * internals), and many programs never ask for randomness.
 */
let cryptoFill: Fill | undefined;
function loadCryptoFill(): Fill {
  return (require('node:crypto') as { randomFillSync: Fill }).randomFillSync;
}
