/** Source of `random_get` bytes. */
export interface RandomSource {
  /** Fills `buf[off..off+len)`; `len` may be anything up to the guest memory's size. Never fails. */
  fill(buf: Uint8Array, off: number, len: number): void;
}
