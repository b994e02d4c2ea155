// What fds 0-2 can be on Node.js besides the platform-neutral forms: host fds and Node streams. The browser
// build replaces this file with host-streams.browser.ts, so `createStdio` has one body for both platforms.
import { Readable, Writable } from 'node:stream';
import type { Stream } from '@vos/core';
import { HostFdStream } from './host-fd-stream';
import { readableContent } from './readable-content';
import { WritableSink } from './writable-sink';

/** The host's fd `fd` (for 'inherit', the host's own 0, 1 or 2). */
export function hostFdStream(fd: number): Stream {
  return new HostFdStream(fd);
}

/** A Node `Writable` as an output stream, or undefined if `x` is not one. */
export function writableStream(x: unknown): Stream | undefined {
  return x instanceof Writable ? new WritableSink(x) : undefined;
}

export function isReadable(x: unknown): x is Readable {
  return x instanceof Readable;
}

/** Reads a Node `Readable` to its end (see readable-content.ts); other values are returned as they are. */
export async function readToEnd<T>(x: T | Readable): Promise<T | Uint8Array> {
  return x instanceof Readable ? readableContent(x) : x;
}

/** What the error messages list as the forms of stdin and of output on this platform. */
export const STDIN_FORMS = 'a host fd, a string, a Buffer/Uint8Array, a callback, a Stream, "null" or "inherit"';
export const OUTPUT_FORMS = 'a host fd, a callback, a Writable, a Stream, "null" or "inherit"';
