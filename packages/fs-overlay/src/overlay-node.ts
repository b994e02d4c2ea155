import type { Filetype, FsHandle } from '@vos/core';

/**
 * One overlay inode: a name in the merged tree and the layer(s) that currently hold it. Every overlay handle on
 * a file points to its node, never to a layer handle, so a copy-up through any path or handle (which moves the
 * data to the upper layer and swaps `upperH` in) is seen at once by every handle already open on it.
 *
 * Nodes are created on lookup and kept in their parent's `children` (a dentry cache: the same name gives the same
 * node, which is what makes the swap above visible to all openers). Layer handles are opened while `refs > 0`
 * (overlay handles, plus short internal pins) and closed when the last one goes, so a guest walking a big tree
 * does not pin one host fd per directory it ever visited.
 */
export class OvNode {
  refs = 0;
  /** Unlinked or removed: no longer reachable by name; open handles keep working on what they had. */
  detached = false;
  /** Directory only: cached children by name. */
  readonly children = new Map<string, OvNode>();
  /**
   * Directory only: names whose lower entry is hidden. A masked name absent from the upper is a whiteout; present
   * in the upper, it is an upper entry that replaced the lower one (for a directory: opaque, never merged).
   */
  readonly masked = new Set<string>();
  /** Layer handles, open while `refs > 0` (directories and regular files only; a symlink has none). */
  upperH: FsHandle | null = null;
  lowerH: FsHandle | null = null;

  constructor(
    public parent: OvNode | null,
    public name: string,
    readonly type: Filetype,
    /** Stable overlay inode number (see `OverlayFileSystem`). */
    public ino: bigint,
    /** A directory merged with a lower directory, or a non-directory whose data is still in the lower layer. */
    public lower: boolean,
    /** Exists in the upper layer. */
    public upper: boolean,
  ) {}
}

/** An open overlay handle: the node it names, and whether writes append. */
export class OvHandle {
  closed = false;

  constructor(
    readonly owner: object,
    readonly node: OvNode,
    readonly append: boolean,
  ) {}
}
