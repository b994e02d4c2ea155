import type { FileSystem } from '@vos/core';

/**
 * The asynchronous filesystem contract: the synchronous `FileSystem` with every method that may do I/O widened
 * to return its value or a promise of it (same names, arguments, errno sets and caller-owned out records, filled
 * before the promise resolves; a rejection is served to the guest as EIO). `typeOf` and `capabilities` stay
 * synchronous. Structurally the same type as the worker channel's `AsyncFileSystem`, so one backend serves both
 * paths.
 */
export type MaybePromise<T> = T | Promise<T>;

type Widen<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => MaybePromise<R> : T[K];
};

export type AsyncFileSystem = Widen<Omit<FileSystem, 'typeOf' | 'capabilities'>> & Pick<FileSystem, 'typeOf' | 'capabilities'>;

export function isPromiseLike<T>(value: MaybePromise<T>): value is Promise<T> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
