// The browser build's host-streams.ts: a page has no host fds and no Node streams. 'inherit' and numbers are
// refused with a TypeError that says what a page can give instead (host configuration, checked before the run).
import type { Stream } from '@vos/core';

export function hostFdStream(fd: number): Stream {
  throw new TypeError(
    `vos: a browser has no host fd ${fd} (nor "inherit"); give stdin as a string, a Uint8Array or a callback, ` +
      'and stdout/stderr as a callback, a CollectorSink or "null"',
  );
}

export function writableStream(_x: unknown): Stream | undefined {
  return undefined;
}

export function isReadable(_x: unknown): false {
  return false;
}

export async function readToEnd<T>(x: T): Promise<T> {
  return x;
}

export const STDIN_FORMS = 'a string, a Uint8Array, a callback, a Stream or "null"';
export const OUTPUT_FORMS = 'a callback, a Stream (e.g. a CollectorSink) or "null"';
