/**
 * Handles of `NodeFileSystem`. A handle owns exactly one host fd, opened by the filesystem that created it; it
 * remembers that owner so a handle from another backend (or another `NodeFileSystem`) is never mistaken for ours
 * and we never close a host fd we did not open. `fd` becomes -1 on close: the fd number may be reused by the
 * host for something else, and a stale handle must not reach it.
 */
export abstract class NodeHandle {
  constructor(
    readonly owner: object,
    public fd: number,
    /** WASI filetype, known from the open (no I/O needed to answer `typeOf`). */
    readonly filetype: number,
  ) {}
}

/**
 * A directory: an open host fd (O_RDONLY|O_DIRECTORY) plus the canonical host path it is expected to be at.
 * `base` is the prefix that name-relative operations append a name to: `/proc/self/fd/<fd>/` on Linux, so the
 * kernel resolves the name inside this very directory inode (an `openat` emulation), or `<path>/` in the
 * fallback mode when `/proc/self/fd` is unavailable.
 */
export class NodeDirHandle extends NodeHandle {
  constructor(
    owner: object,
    fd: number,
    readonly path: string,
    readonly base: string,
  ) {
    super(owner, fd, 3 /* DIRECTORY */);
  }
}

/** A non-directory (regular file, device, fifo...). `append` records that the host fd has O_APPEND. */
export class NodeFileHandle extends NodeHandle {
  constructor(
    owner: object,
    fd: number,
    readonly append: boolean,
    filetype: number,
  ) {
    super(owner, fd, filetype);
  }
}

/** `parent/name` for canonical paths, without doubling the slash of the host root `/`. */
export function joinHostPath(parent: string, name: string): string {
  return parent.length === 1 ? parent + name : parent + '/' + name;
}
