// The browser build's host-tree.ts: a page has no host directories. Trees come in and go out as plain objects
// (`MemoryFileSystem.fromObject`, `toObject`); these two throw, as any host error from a setup call does.
import type { MemoryFileSystem } from './memory-file-system';

function noHost(call: string): never {
  throw new Error(`vos: MemoryFileSystem.${call} needs a host filesystem, which a browser does not have; use fromObject/toObject`);
}

export function populateFromHost(_fs: MemoryFileSystem, _hostPath: string): void {
  noHost('fromHostDirectory');
}

export function exportToHost(_fs: MemoryFileSystem, _hostPath: string, _allowOutsideSymlinks: boolean): void {
  noHost('exportToHost');
}
