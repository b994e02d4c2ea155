// Child half of isolation.test.ts.
import { Errno } from '@vos/core';

export function probe(n: number): { doubled: number; errnoNotsock: number; hasNodeWasi: boolean } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hasNodeWasi = typeof (require('node:wasi') as { WASI: unknown }).WASI === 'function';
  return { doubled: n * 2, errnoNotsock: Errno.NOTSOCK, hasNodeWasi };
}
