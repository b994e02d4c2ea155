/**
 * Plain-object trees: the shape `MemoryFileSystem.fromObject` reads and `toObject` writes.
 *
 *   {
 *     'a.txt': 'text',                 // a regular file: a string is stored as UTF-8
 *     'bin': new Uint8Array([1, 2]),   // a regular file: bytes
 *     'dir': { 'inner': '' },          // a directory: a plain object (`{}` is an empty directory)
 *     'link': { symlink: 'a.txt' },    // a symlink: an object with exactly one key, `symlink`, a string
 *   }
 *
 * The one ambiguous case is a directory holding nothing but a file named `symlink` given as a string: it reads
 * as a symlink. Give that file as bytes (`toObject` does so itself). Hard links are not expressible: `toObject`
 * writes each name of a linked file as its own copy.
 */
import type { FsHandle } from '@vos/core';
import { TreeBuilder } from './builder';
import { DirInode, FileInode, SymlinkInode, type Inode } from './inode';
import type { MemoryFileSystem } from './memory-file-system';

export interface MemoryTree {
  [name: string]: MemoryTreeEntry;
}
export interface MemorySymlink {
  symlink: string;
}
export type MemoryTreeEntry = string | Uint8Array | MemorySymlink | MemoryTree;

export interface ToObjectOptions {
  /** Give files whose bytes are valid UTF-8 as strings (default: every file is a `Uint8Array`). */
  readonly text?: boolean;
}

const encoder = new TextEncoder();
type Utf8Decoder = InstanceType<typeof TextDecoder>;

export function isSymlinkEntry(entry: MemoryTreeEntry): entry is MemorySymlink {
  if (typeof entry !== 'object' || entry instanceof Uint8Array) return false;
  const keys = Object.keys(entry);
  return keys.length === 1 && keys[0] === 'symlink' && typeof (entry as MemorySymlink).symlink === 'string';
}

/**
 * Adds `tree` to the root of `fs` through the provider contract (so quotas and name rules apply). Depth-first
 * with an explicit stack: a tree's depth is its author's choice, and a guest's tree may come back here.
 */
export function populateFromObject(fs: MemoryFileSystem, tree: MemoryTree): void {
  const build = new TreeBuilder(fs, 'fromObject');
  const stack: { dir: FsHandle; tree: MemoryTree; names: string[]; next: number; prefix: string }[] = [];
  stack.push({ dir: build.root(), tree, names: Object.keys(tree), next: 0, prefix: '' });
  try {
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (f.next >= f.names.length) {
        stack.pop();
        build.close(f.dir);
        continue;
      }
      const name = f.names[f.next++];
      const entry = f.tree[name];
      const path = f.prefix + name;
      if (typeof entry === 'string') build.file(f.dir, name, encoder.encode(entry), path);
      else if (entry instanceof Uint8Array) build.file(f.dir, name, entry, path);
      else if (isSymlinkEntry(entry)) build.symlink(f.dir, name, entry.symlink, path);
      else if (typeof entry === 'object' && entry !== null) {
        const sub = build.mkdir(f.dir, name, path);
        stack.push({ dir: sub, tree: entry, names: Object.keys(entry), next: 0, prefix: path + '/' });
      } else {
        throw new TypeError(`fromObject: ${path}: not a string, Uint8Array, { symlink } or directory object`);
      }
    }
  } finally {
    for (const f of stack) build.close(f.dir);
  }
}

/** The tree under `fs`'s root, read straight from the inodes (no atime is touched); iterative over depth. */
export function exportToObject(fs: MemoryFileSystem, options: ToObjectOptions = {}): MemoryTree {
  const decoder = options.text ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }) : null;
  const out: MemoryTree = {};
  const stack: { dir: DirInode; out: MemoryTree }[] = [{ dir: fs.rootInode(), out }];
  while (stack.length > 0) {
    const { dir, out: into } = stack.pop() as { dir: DirInode; out: MemoryTree };
    // The one shape that would read back as a symlink must keep its file as bytes.
    const onlySymlinkName = dir.entries.size === 1 && dir.entries.has('symlink');
    for (const [name, node] of dir.entries) {
      if (node instanceof DirInode) {
        const sub: MemoryTree = {};
        into[name] = sub;
        stack.push({ dir: node, out: sub });
      } else {
        into[name] = exportLeaf(node, onlySymlinkName ? null : decoder);
      }
    }
  }
  return out;
}

function exportLeaf(node: Inode, decoder: Utf8Decoder | null): MemoryTreeEntry {
  if (node instanceof SymlinkInode) return { symlink: node.target };
  const bytes = (node as FileInode).data.view().slice();
  if (decoder !== null) {
    try {
      return decoder.decode(bytes);
    } catch {
      // not UTF-8: stays bytes
    }
  }
  return bytes;
}
