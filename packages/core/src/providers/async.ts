import type { Clock } from './clock';
import type { FileSystem } from './fs';
import type { RandomSource } from './random';
import type { Stream } from './stdio';

/**
 * Asynchronous provider contracts.
 *
 * Each is the synchronous contract with every method that may do I/O widened to return its value *or a promise
 * of it*: same names, same arguments, same errno sets, same caller-owned out records (filled in before the
 * promise resolves), same rule that nothing a guest can cause rejects (a rejection is served to the guest as
 * EIO). A synchronous provider therefore already is an asynchronous one, and a backend may answer some calls at
 * once (a cache hit) and others later (a fetch).
 *
 * Only the worker channel (`@vos/worker`) serves asynchronous providers: the guest blocks in its worker on
 * `Atomics.wait` while the host thread awaits the provider. The on-thread `WASI` class takes synchronous
 * providers only, so those pay nothing for this.
 *
 * Rules that stay synchronous: `capabilities` is a plain property, and `typeOf` must answer from the handle
 * (known since it was opened, no I/O). Buffers passed to `read`/`write`/`fill` are valid only until the returned
 * promise settles: a provider never keeps them.
 */
export type MaybePromise<T> = T | Promise<T>;

type Widen<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => MaybePromise<R> : T[K];
};

/** `FileSystem` whose methods may return promises (all but `typeOf`; see the sync contract for each errno set). */
export type AsyncFileSystem = Widen<Omit<FileSystem, 'typeOf' | 'capabilities'>> & Pick<FileSystem, 'typeOf' | 'capabilities'>;

/** `Clock` whose reads and sleeps may return promises (a sleep that resolves is how a host clock should wait). */
export type AsyncClock = Widen<Clock>;

/** `RandomSource` whose `fill` may return a promise. */
export type AsyncRandomSource = Widen<RandomSource>;

/** `Stream` whose I/O may return promises; `filetype` stays a property. */
export type AsyncStream = Widen<Omit<Stream, 'filetype'>> & Pick<Stream, 'filetype'>;

/** The three standard streams, any of them asynchronous. */
export interface AsyncStdio {
  readonly stdin: AsyncStream;
  readonly stdout: AsyncStream;
  readonly stderr: AsyncStream;
}

/** True when `value` is a promise (or any thenable) rather than a ready value. */
export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
