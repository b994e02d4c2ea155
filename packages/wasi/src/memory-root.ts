import type { Clock, FileSystem } from '@vos/core';

/** @vos/fs-memory, once loaded. */
let memoryModule: typeof import('@vos/fs-memory') | undefined;

/**
 * A fresh in-memory `/` stamped by `clock`. On Node.js @vos/fs-memory is loaded here, when a namespace first
 * needs it: a run on host directories does not pay for loading it (cold start, see docs/decisions.md). The
 * browser build (memory-root.browser.ts) imports it statically, its default world being in memory.
 * The module is kept after the first load: from the built package, each `require` call resolved the name again
 * (stat calls and package.json reads, about 70 µs of every `new WASI` that mounts something other than `/`).
 */
export function newMemoryRoot(clock: Clock): FileSystem {
  const { MemoryFileSystem } = (memoryModule ??= require('@vos/fs-memory') as typeof import('@vos/fs-memory'));
  return new MemoryFileSystem({ clock });
}
