// The browser build's memory-root.ts: a page's default root is in memory, so the module is imported statically.
import type { Clock, FileSystem } from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';

export function newMemoryRoot(clock: Clock): FileSystem {
  return new MemoryFileSystem({ clock });
}
