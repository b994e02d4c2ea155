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
  /**
   * Set (true) only when the lists were cut short at the `maxPathBytes` budget: a guest can make a tree whose
   * full listing is quadratic in its depth (every path repeats its parents).
   */
  readonly truncated?: true;
}

/** Default budget of `changes()`: characters of paths listed, over the three lists. */
export const DEFAULT_CHANGES_BUDGET = 64 * 1024 * 1024;

const DIR_OPEN = OpenFlags.READ | OpenFlags.DIRECTORY;

/**
 * The diff between the merged view and the lower layer, found by walking the upper layer against the lower and
 * the overlay's whiteouts (no event log to grow). Applying it to a copy of the lower (delete `deleted`
 * recursively, then create `created` and overwrite `modified` from the upper) gives the merged view. An entry
 * that replaced a lower one of another kind, and a re-created (opaque) directory, appear in both `deleted` and
 * `created`. Directories that were only copied up (to hold a new child, or for new times) are not reported.
 */
export function collectChanges(lower: FileSystem, upper: FileSystem, root: OvNode, maxPathBytes = DEFAULT_CHANGES_BUDGET): OverlayChanges {
  const changes: { created: string[]; modified: string[]; deleted: string[]; truncated?: true } = { created: [], modified: [], deleted: [] };
  if (!walk(lower, upper, changes, root, maxPathBytes)) changes.truncated = true;
  changes.created.sort();
  changes.modified.sort();
  changes.deleted.sort();
  return changes;
}

/** One directory being compared: its listings, where the comparison is, and the handles it opened. */
interface Frame {
  readonly prefix: string;
  readonly node: OvNode | null;
  readonly upperDir: FsHandle | null;
  readonly lowerDir: FsHandle | null;
  /** The handles were opened for this frame (the root's belong to the overlay). */
  readonly owned: boolean;
  readonly upperEntries: DirEntry[];
  readonly lowerEntries: DirEntry[];
  readonly lowerTypes: Map<string, number>;
  readonly inUpper: Set<string>;
  /** Next upper entry, then (past the upper ones) next lower entry. */
  next: number;
}

/**
 * Depth-first over the upper layer (and the lower directories that can hold whiteouts), with an explicit stack:
 * the tree's depth is the guest's choice, so nothing here recurses on it. Only the directories on the current
 * path are open.
 */
function walk(lower: FileSystem, upper: FileSystem, changes: OverlayChanges, root: OvNode, budget: number): boolean {
  const stack: Frame[] = [];
  const ref: Ref<FsHandle | null> = { value: null };
  const enter = (prefix: string, node: OvNode | null, u: FsHandle | null, l: FsHandle | null, owned: boolean): void => {
    const upperEntries: DirEntry[] = [];
    const lowerEntries: DirEntry[] = [];
    if (u !== null && upper.readdir(u, upperEntries) !== Errno.SUCCESS) {
      upperEntries.length = 0;
      node = null; // an unreadable upper directory reports nothing (not even lower deletions)
    } else if (l !== null && lower.readdir(l, lowerEntries) !== Errno.SUCCESS) {
      lowerEntries.length = 0;
    }
    const lowerTypes = new Map<string, number>();
    for (const e of lowerEntries) lowerTypes.set(e.name, e.filetype);
    stack.push({ prefix, node, upperDir: u, lowerDir: l, owned, upperEntries, lowerEntries, lowerTypes, inUpper: new Set(), next: 0 });
  };
  enter('', root, root.upperH, root.lowerH, false);

  let spent = 0;
  const list = (to: string[], path: string): void => {
    spent += path.length + 1;
    if (spent <= budget) to.push(path);
  };
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    const { prefix, node, upperEntries, lowerEntries } = f;
    // Past the budget the walk stops listing and unwinds, closing what it opened.
    if (spent > budget) f.next = upperEntries.length + lowerEntries.length;
    if (f.next < upperEntries.length) {
      const e = upperEntries[f.next++];
      f.inUpper.add(e.name);
      const path = prefix + e.name;
      const child = node?.children.get(e.name) ?? null;
      const lowerType = f.lowerTypes.get(e.name);
      const masked = node?.masked.has(e.name) ?? false;
      const isDir = e.filetype === Filetype.DIRECTORY;
      if (lowerType !== undefined && !masked && isDir === (lowerType === Filetype.DIRECTORY)) {
        if (!isDir) {
          list(changes.modified, path);
          continue;
        }
        const u = open(upper, f.upperDir as FsHandle, e.name, ref);
        const l = open(lower, f.lowerDir as FsHandle, e.name, ref);
        enter(path + '/', child, u, l, true);
        continue;
      }
      if (lowerType !== undefined) {
        // Replaced: a file rewritten under a whiteout is simply modified; anything else is gone and new.
        if (!isDir && lowerType !== Filetype.DIRECTORY) {
          list(changes.modified, path);
          continue;
        }
        list(changes.deleted, path);
      }
      list(changes.created, path);
      if (isDir) enter(path + '/', child, open(upper, f.upperDir as FsHandle, e.name, ref), null, true);
      continue;
    }
    const j = f.next - upperEntries.length;
    if (node !== null && j < lowerEntries.length) {
      f.next++;
      const e = lowerEntries[j];
      if (f.inUpper.has(e.name)) continue;
      if (node.masked.has(e.name)) {
        list(changes.deleted, prefix + e.name);
        continue;
      }
      // A lower-only directory can still hold whiteouts (deleting a lower file needs no upper copy of its
      // parent); only directories the overlay has looked up can, so only those are walked.
      const child = node.children.get(e.name);
      if (child === undefined || child.type !== Filetype.DIRECTORY) continue;
      const l = open(lower, f.lowerDir as FsHandle, e.name, ref);
      if (l !== null) enter(prefix + e.name + '/', child, null, l, true);
      continue;
    }
    stack.pop();
    if (f.owned) {
      if (f.upperDir !== null) upper.close(f.upperDir);
      if (f.lowerDir !== null) lower.close(f.lowerDir);
    }
  }
  return spent <= budget;
}

function open(fs: FileSystem, dir: FsHandle, name: string, ref: Ref<FsHandle | null>): FsHandle | null {
  return fs.openAt(dir, name, DIR_OPEN, ref) === Errno.SUCCESS ? ref.value : null;
}
