import type { RandomSource } from '@vos/core';

/** `crypto.getRandomValues` refuses more than 65,536 bytes per call (Web Crypto's QuotaExceededError). */
const MAX_CHUNK = 65536;

/**
 * `random_get` from the browser's CSPRNG (Web Crypto). The browser build's CryptoRandom (see crypto-random.ts for
 * Node's). `getRandomValues` also refuses views of shared memory (a threaded guest's memory is a
 * SharedArrayBuffer): those are filled through a private buffer and copied.
 */
export class CryptoRandom implements RandomSource {
  // Declared and assigned in the constructor: as a class field it would cost an initializer function per
  // construction (esbuild does not apply tsconfig's useDefineForClassFields to this file, which reaches the
  // bundle through a plugin; docs/decisions.md, "Class fields are assignments").
  private declare scratch: Uint8Array | undefined;

  constructor() {
    this.scratch = undefined;
  }

  fill(buf: Uint8Array, off: number, len: number): void {
    const shared = typeof SharedArrayBuffer === 'function' && buf.buffer instanceof SharedArrayBuffer;
    while (len > 0) {
      const n = len < MAX_CHUNK ? len : MAX_CHUNK;
      if (shared) {
        const scratch = (this.scratch ??= new Uint8Array(MAX_CHUNK)).subarray(0, n);
        crypto.getRandomValues(scratch);
        buf.set(scratch, off);
      } else {
        crypto.getRandomValues(buf.subarray(off, off + n));
      }
      off += n;
      len -= n;
    }
  }
}
