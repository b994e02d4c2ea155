import type { Clock, FileSystem } from '@vos/core';

/**
 * A fresh in-memory `/` stamped by `clock`. On Node.js @vos/fs-memory is loaded here, when a namespace first
 * needs it: a run on host directories does not pay for loading it (cold start, see docs/decisions.md). The
 * browser build (memory-root.browser.ts) imports it statically, its default world being in memory.
 */
export function newMemoryRoot(clock: Clock): FileSystem {
  const { MemoryFileSystem } = require('@vos/fs-memory') as typeof import('@vos/fs-memory');
  return new MemoryFileSystem({ clock });
}
