import { Errno, Filetype, OpenFlags } from '@vos/core';
import type { DirEntry, FileSystem, FsHandle, Ref } from '@vos/core';
import type { OvNode } from './overlay-node';

/** Paths relative to the overlay root (`dir/file`, no leading slash), each list sorted. */
export interface OverlayChanges {
  /** Every path that exists now and did not in the lower (each entry of a new directory too, parents first). */
  readonly created: string[];
  /** Non-directories that were copied up (written, truncated, re-timed, linked or opened for writing). */
  readonly modified: string[];
  /** The topmost lower paths that are gone (a deleted directory is listed once, not with its contents). */
  readonly deleted: string[];
}

const DIR_OPEN = OpenFlags.READ | OpenFlags.DIRECTORY;

/**
 * The diff between the merged view and the lower layer, found by walking the upper layer against the lower and
 * the overlay's whiteouts (no event log to grow). Applying it to a copy of the lower (delete `deleted`
 * recursively, then create `created` and overwrite `modified` from the upper) gives the merged view. An entry
 * that replaced a lower one of another kind, and a re-created (opaque) directory, appear in both `deleted` and
 * `created`. Directories that were only copied up (to hold a new child, or for new times) are not reported.
 */
export function collectChanges(lower: FileSystem, upper: FileSystem, root: OvNode): OverlayChanges {
  const changes: OverlayChanges = { created: [], modified: [], deleted: [] };
  walk(lower, upper, changes, '', root, root.upperH, root.lowerH);
  changes.created.sort();
  changes.modified.sort();
  changes.deleted.sort();
  return changes;
}

function walk(
  lower: FileSystem, upper: FileSystem, changes: OverlayChanges, prefix: string, node: OvNode | null,
  upperDir: FsHandle | null, lowerDir: FsHandle | null,
): void {
  const upperEntries: DirEntry[] = [];
  const lowerEntries: DirEntry[] = [];
  if (upperDir !== null && upper.readdir(upperDir, upperEntries) !== Errno.SUCCESS) return;
  if (lowerDir !== null && lower.readdir(lowerDir, lowerEntries) !== Errno.SUCCESS) lowerEntries.length = 0;
  const lowerTypes = new Map<string, number>();
  for (const e of lowerEntries) lowerTypes.set(e.name, e.filetype);
  const inUpper = new Set<string>();
  const ref: Ref<FsHandle | null> = { value: null };

  for (const e of upperEntries) {
    inUpper.add(e.name);
    const path = prefix + e.name;
    const child = node?.children.get(e.name) ?? null;
    const lowerType = lowerTypes.get(e.name);
    const masked = node?.masked.has(e.name) ?? false;
    const isDir = e.filetype === Filetype.DIRECTORY;
    if (lowerType !== undefined && !masked && isDir === (lowerType === Filetype.DIRECTORY)) {
      if (!isDir) {
        changes.modified.push(path);
        continue;
      }
      const u = open(upper, upperDir as FsHandle, e.name, ref);
      const l = open(lower, lowerDir as FsHandle, e.name, ref);
      walk(lower, upper, changes, path + '/', child, u, l);
      if (u !== null) upper.close(u);
      if (l !== null) lower.close(l);
      continue;
    }
    if (lowerType !== undefined) {
      // Replaced: a file rewritten under a whiteout is simply modified; anything else is gone and new.
      if (!isDir && lowerType !== Filetype.DIRECTORY) {
        changes.modified.push(path);
        continue;
      }
      changes.deleted.push(path);
    }
    changes.created.push(path);
    if (isDir) {
      const u = open(upper, upperDir as FsHandle, e.name, ref);
      walk(lower, upper, changes, path + '/', child, u, null);
      if (u !== null) upper.close(u);
    }
  }
  if (node === null) return;
  for (const e of lowerEntries) {
    if (inUpper.has(e.name)) continue;
    if (node.masked.has(e.name)) {
      changes.deleted.push(prefix + e.name);
      continue;
    }
    // A lower-only directory can still hold whiteouts (deleting a lower file needs no upper copy of its
    // parent); only directories the overlay has looked up can, so only those are walked.
    const child = node.children.get(e.name);
    if (child === undefined || child.type !== Filetype.DIRECTORY) continue;
    const l = open(lower, lowerDir as FsHandle, e.name, ref);
    if (l === null) continue;
    walk(lower, upper, changes, prefix + e.name + '/', child, null, l);
    lower.close(l);
  }
}

function open(fs: FileSystem, dir: FsHandle, name: string, ref: Ref<FsHandle | null>): FsHandle | null {
  return fs.openAt(dir, name, DIR_OPEN, ref) === Errno.SUCCESS ? ref.value : null;
}
