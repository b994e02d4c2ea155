// What fds 0-2 can be on Node.js besides the platform-neutral forms: host fds and Node streams. The browser
// build replaces this file with host-streams.browser.ts, so `createStdio` has one body for both platforms.
import type { Readable } from 'node:stream';
import type { Stream } from '@vos/core';
import { HostFdStream } from './host-fd-stream';
import { readableContent } from './readable-content';
import { WritableSink } from './writable-sink';

/** The host's fd `fd` (for 'inherit', the host's own 0, 1 or 2). */
export function hostFdStream(fd: number): Stream {
  return new HostFdStream(fd);
}

/**
 * node:stream, loaded only to test an object that is none of the other forms: loading it costs ~1 ms of every
 * start, and most hosts give fds, strings, callbacks or sinks.
 */
let streams: typeof import('node:stream') | undefined;
function nodeStreams(): typeof import('node:stream') {
  return (streams ??= require('node:stream') as typeof import('node:stream'));
}

/** A Node `Writable` as an output stream, or undefined if `x` is not one. */
export function writableStream(x: unknown): Stream | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  return x instanceof nodeStreams().Writable ? new WritableSink(x) : undefined;
}

export function isReadable(x: unknown): x is Readable {
  return typeof x === 'object' && x !== null && x instanceof nodeStreams().Readable;
}

/** Reads a Node `Readable` to its end (see readable-content.ts); other values are returned as they are. */
export async function readToEnd<T>(x: T | Readable): Promise<T | Uint8Array> {
  return isReadable(x) ? readableContent(x) : (x as T);
}

/** What the error messages list as the forms of stdin and of output on this platform. */
export const STDIN_FORMS = 'a host fd, a string, a Buffer/Uint8Array, a callback, a Stream, "null" or "inherit"';
export const OUTPUT_FORMS = 'a host fd, a callback, a Writable, a Stream, "null" or "inherit"';
