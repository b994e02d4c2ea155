import type { Readable, Writable } from 'node:stream';
import type { Stdio, Stream } from '@vos/core';
import { BufferSource } from './buffer-source';
import { CallbackSink, type OutputCallback } from './callback-sink';
import { CallbackSource, type StdinCallback } from './callback-source';
import { hostFdStream, OUTPUT_FORMS, STDIN_FORMS, isReadable, readToEnd, writableStream } from './host-streams';
import { NullStream } from './null-stream';

/**
 * What fd 0 can be: a host fd (number), content (string as UTF-8, Buffer, Uint8Array), a callback asked for
 * more input as the guest reads (`StdinCallback`), a `Stream`, 'null' (/dev/null: EOF at once) or 'inherit'
 * (the host's fd 0). A Node `Readable` only through `createStdioAsync`, which reads it to the end first (see
 * `readableContent` for why). In a browser: content, a callback, a `Stream` or 'null'.
 */
export type StdinSpec = number | string | Uint8Array | StdinCallback | Stream | 'null' | 'inherit';
/**
 * What fd 1 or 2 can be: a host fd (number), a callback receiving each chunk, a Node `Writable`, a `Stream`
 * (e.g. a `CollectorSink`), 'null' (discard) or 'inherit' (the host's fd 1 or 2). In a browser: a callback, a
 * `Stream` or 'null'.
 */
export type OutputSpec = number | OutputCallback | Writable | Stream | 'null' | 'inherit';

export interface StdioSpec {
  /** Default 'inherit', as node:wasi. */
  stdin?: StdinSpec;
  stdout?: OutputSpec;
  stderr?: OutputSpec;
}

export interface AsyncStdioSpec extends Omit<StdioSpec, 'stdin'> {
  stdin?: StdinSpec | Readable;
}

/**
 * The guest's fds 0-2 from whatever the host has. Throws a TypeError for a form that does not fit (a string
 * as stdout, a Readable given to the synchronous factory): host configuration, checked before the run.
 */
export function createStdio(spec: StdioSpec = {}): Stdio {
  return {
    stdin: stdinStream(spec.stdin ?? 'inherit'),
    stdout: outputStream(spec.stdout ?? 'inherit', 1, 'stdout'),
    stderr: outputStream(spec.stderr ?? 'inherit', 2, 'stderr'),
  };
}

/** Like `createStdio`, and also takes a Node `Readable` as stdin, which it reads to the end first. */
export async function createStdioAsync(spec: AsyncStdioSpec = {}): Promise<Stdio> {
  const stdin = await readToEnd(spec.stdin);
  return createStdio({ ...spec, stdin });
}

export function isStream(x: unknown): x is Stream {
  const s = x as Stream | null;
  return (
    typeof s === 'object' && s !== null && typeof s.read === 'function' && typeof s.write === 'function' &&
    typeof s.stat === 'function' && typeof s.filetype === 'number'
  );
}

function stdinStream(spec: StdinSpec): Stream {
  if (spec === 'null') return new NullStream();
  if (spec === 'inherit') return hostFdStream(0);
  if (typeof spec === 'number') return hostFdStream(spec);
  if (typeof spec === 'string' || spec instanceof Uint8Array) return new BufferSource(spec);
  if (typeof spec === 'function') return new CallbackSource(spec);
  if (isStream(spec)) return spec;
  if (isReadable(spec)) {
    throw new TypeError('vos: a Readable cannot feed a synchronous guest as it runs; use createStdioAsync (reads it to the end first)');
  }
  throw new TypeError(`vos: stdin must be ${STDIN_FORMS}`);
}

function outputStream(spec: OutputSpec, hostFd: number, name: string): Stream {
  if (spec === 'null') return new NullStream();
  if (spec === 'inherit') return hostFdStream(hostFd);
  if (typeof spec === 'number') return hostFdStream(spec);
  if (typeof spec === 'function') return new CallbackSink(spec);
  if (isStream(spec)) return spec;
  const writable = writableStream(spec);
  if (writable !== undefined) return writable;
  throw new TypeError(`vos: ${name} must be ${OUTPUT_FORMS}`);
}
