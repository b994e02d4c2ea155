import { Readable, Writable } from 'node:stream';
import type { Stdio, Stream } from '@vos/core';
import { BufferSource } from './buffer-source';
import { CallbackSink, type OutputCallback } from './callback-sink';
import { HostFdStream } from './host-fd-stream';
import { NullStream } from './null-stream';
import { readableContent } from './readable-content';
import { WritableSink } from './writable-sink';

/**
 * What fd 0 can be: a host fd (number), content (string as UTF-8, Buffer, Uint8Array), a `Stream`,
 * 'null' (/dev/null: EOF at once) or 'inherit' (the host's fd 0). A Node `Readable` only through
 * `createStdioAsync`, which reads it to the end first (see `readableContent` for why).
 */
export type StdinSpec = number | string | Uint8Array | Stream | 'null' | 'inherit';
/**
 * What fd 1 or 2 can be: a host fd (number), a callback receiving each chunk, a Node `Writable`, a `Stream`
 * (e.g. a `CollectorSink`), 'null' (discard) or 'inherit' (the host's fd 1 or 2).
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
  const stdin = spec.stdin instanceof Readable ? await readableContent(spec.stdin) : spec.stdin;
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
  if (spec === 'inherit') return new HostFdStream(0);
  if (typeof spec === 'number') return new HostFdStream(spec);
  if (typeof spec === 'string' || spec instanceof Uint8Array) return new BufferSource(spec);
  if (isStream(spec)) return spec;
  if ((spec as unknown) instanceof Readable) {
    throw new TypeError('vos: a Readable cannot feed a synchronous guest as it runs; use createStdioAsync (reads it to the end first)');
  }
  throw new TypeError('vos: stdin must be a host fd, a string, a Buffer/Uint8Array, a Stream, "null" or "inherit"');
}

function outputStream(spec: OutputSpec, hostFd: number, name: string): Stream {
  if (spec === 'null') return new NullStream();
  if (spec === 'inherit') return new HostFdStream(hostFd);
  if (typeof spec === 'number') return new HostFdStream(spec);
  if (typeof spec === 'function') return new CallbackSink(spec);
  if (isStream(spec)) return spec;
  if (spec instanceof Writable) return new WritableSink(spec);
  throw new TypeError(`vos: ${name} must be a host fd, a callback, a Writable, a Stream, "null" or "inherit"`);
}
