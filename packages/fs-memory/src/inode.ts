/**
 * The in-memory model: inodes and the handles that point at them. A name belongs to a directory's `entries`
 * map; an inode may have several names (hard links, `nlink`) and stays alive while it has a name or an open
 * handle (`openCount`), as on a real disk.
 */
import type { FileData } from './file-data';

const REGULAR_FILE = 4;
const DIRECTORY = 3;
const SYMBOLIC_LINK = 7;

export abstract class Inode {
  abstract readonly filetype: number;
  /** Names pointing at this inode (directories compute theirs, see `DirInode.links`). */
  nlink = 0;
  /** Open handles on this inode; it is freed when both this and its links reach zero. */
  openCount = 0;

  constructor(
    readonly ino: bigint,
    public atim: bigint,
    public mtim: bigint,
    public ctim: bigint,
  ) {}

  /** Link count as `stat` reports it. */
  links(): number {
    return this.nlink;
  }

  /** Still reachable by a name (or, for a directory, not removed). */
  linked(): boolean {
    return this.nlink > 0;
  }
}

export class FileInode extends Inode {
  readonly filetype = REGULAR_FILE;
  constructor(ino: bigint, now: bigint, public data: FileData) {
    super(ino, now, now, now);
  }
}

export class SymlinkInode extends Inode {
  readonly filetype = SYMBOLIC_LINK;
  constructor(ino: bigint, now: bigint, readonly target: string) {
    super(ino, now, now, now);
  }
}

export class DirInode extends Inode {
  readonly filetype = DIRECTORY;
  /** Insertion-ordered, so listings are stable; O(1) lookups by name. */
  readonly entries = new Map<string, Inode>();
  /** Number of subdirectories (each one's `..` links back here). */
  subdirs = 0;
  /** False once removed by rmdir or replaced by rename; an open handle then sees an empty, dead directory. */
  alive = true;

  /** Directories cannot be hard-linked, so the parent is unique; null for the root and removed directories. */
  constructor(ino: bigint, now: bigint, public parent: DirInode | null) {
    super(ino, now, now, now);
  }

  /** POSIX: its name, its own `.`, and one `..` per subdirectory; 0 once removed. */
  override links(): number {
    return this.alive ? 2 + this.subdirs : 0;
  }

  override linked(): boolean {
    return this.alive;
  }

  /** `this` is `dir` or one of its ancestors (so `dir` lies in this directory's subtree). */
  contains(dir: DirInode): boolean {
    for (let d: DirInode | null = dir; d !== null; d = d.parent) if (d === this) return true;
    return false;
  }
}

/**
 * Handles reference an inode and remember their owner, so a handle of another filesystem (even another
 * `MemoryFileSystem`) is never mistaken for ours. `closed` turns a stale handle into EBADF.
 */
export abstract class MemoryHandle {
  closed = false;
  constructor(readonly owner: object) {}
}

export class MemoryDirHandle extends MemoryHandle {
  constructor(
    owner: object,
    readonly inode: DirInode,
  ) {
    super(owner);
  }
}

export class MemoryFileHandle extends MemoryHandle {
  constructor(
    owner: object,
    readonly inode: FileInode,
    readonly readable: boolean,
    readonly writable: boolean,
    /** Opened with APPEND: every write goes to the end, whatever position is passed (as Linux O_APPEND). */
    readonly append: boolean,
  ) {
    super(owner);
  }
}
