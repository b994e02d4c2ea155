/**
 * The asynchronous filesystem contract is @vos/core's (`AsyncFileSystem`: the synchronous `FileSystem` with every
 * method that may do I/O widened to return a promise), the same one the worker channel serves, so one backend
 * serves both paths. Re-exported here for JSPI hosts.
 */
export { isPromiseLike, type AsyncFileSystem, type MaybePromise } from '@vos/core';
