/**
 * A complete, small filesystem provider: a read-only tree served from a plain JS object, on `BaseFileSystem`
 * (which answers every mutation as a read-only mount does, so only the reads are written here). This file is
 * an example of docs/writing-a-provider.md, and tests/docs/object-file-system.test.ts runs it (@vos/fs-testkit
 * on seeded content, and a wasm program reading through it).
 *
 *   new ObjectFileSystem({ 'hello.txt': 'hi\n', data: { 'n.bin': new Uint8Array([1, 2]) }, link: { symlink: 'hello.txt' } })
 */
import {
  BaseFileSystem,
  Errno,
  Filetype,
  OpenFlags,
  type DirEntry,
  type FileStat,
  type FsCapabilities,
  type FsHandle,
  type Ref,
} from '@vos/core';

export type ObjectTree = { [name: string]: string | Uint8Array | { symlink: string } | ObjectTree };

/** One node of the tree, with the inode number it was given at construction. */
class Node {
  readonly children = new Map<string, Node>();
  constructor(
    readonly ino: bigint,
    readonly filetype: Filetype,
    readonly data: Uint8Array = new Uint8Array(0),
    readonly target = '',
  ) {}
}

/** A handle is just the node (the backend owns its handles; the core never looks inside). */
class Handle {
  constructor(readonly node: Node, readonly owner: ObjectFileSystem) {}
}

const encoder = new TextEncoder();
const MTIME = 1_000_000_000_000_000_000n; // a fixed time for every node (2001-09-09)

export class ObjectFileSystem extends BaseFileSystem {
  readonly capabilities: FsCapabilities = { readOnly: true, symlinks: true, hardLinks: false, timestampResolutionNs: 1n };
  private readonly root: Node;
  private nextIno = 1n;

  constructor(tree: ObjectTree) {
    super();
    this.root = this.build(tree);
  }

  private build(value: ObjectTree[string]): Node {
    const ino = this.nextIno++;
    if (typeof value === 'string') return new Node(ino, Filetype.REGULAR_FILE, encoder.encode(value));
    if (value instanceof Uint8Array) return new Node(ino, Filetype.REGULAR_FILE, value.slice());
    if (typeof (value as { symlink?: unknown }).symlink === 'string') {
      return new Node(ino, Filetype.SYMBOLIC_LINK, undefined, (value as { symlink: string }).symlink);
    }
    const dir = new Node(ino, Filetype.DIRECTORY);
    for (const [name, child] of Object.entries(value as ObjectTree)) dir.children.set(name, this.build(child));
    return dir;
  }

  /** Our own live handle's node, or null (a handle of another backend is never ours). */
  private node(h: FsHandle): Node | null {
    return h instanceof Handle && h.owner === this ? h.node : null;
  }

  /** `name` in directory `dir` (`.` is the directory itself), or an errno. */
  private child(dir: FsHandle, name: string): Node | Errno {
    const d = this.node(dir);
    if (d === null) return Errno.BADF;
    if (d.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
    if (name === '.') return d;
    return d.children.get(name) ?? Errno.NOENT;
  }

  private fill(n: Node, out: FileStat): void {
    out.dev = 0x6f626a6en; // 'objn'
    out.ino = n.ino;
    out.filetype = n.filetype;
    out.nlink = n.filetype === Filetype.DIRECTORY ? 2n : 1n;
    out.size = BigInt(n.filetype === Filetype.SYMBOLIC_LINK ? encoder.encode(n.target).length : n.data.length);
    out.atim = out.mtim = out.ctim = MTIME;
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    out.value = new Handle(this.root, this);
    return Errno.SUCCESS;
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const n = this.child(dir, name);
    if (typeof n === 'number') return n;
    this.fill(n, out);
    return Errno.SUCCESS;
  }

  /**
   * Never follows a symlink at `name` (the core's walker does that). Only read opens get here: the base class
   * answers opens that would write (EROFS, EEXIST, EISDIR in Linux's order).
   */
  protected open(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    const n = this.child(dir, name);
    if (typeof n === 'number') return n;
    if (n.filetype === Filetype.SYMBOLIC_LINK) return Errno.LOOP;
    if (flags & OpenFlags.DIRECTORY && n.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
    out.value = new Handle(n, this);
    return Errno.SUCCESS;
  }

  override readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const n = this.child(dir, name);
    if (typeof n === 'number') return n;
    if (n.filetype !== Filetype.SYMBOLIC_LINK) return Errno.INVAL;
    out.value = n.target;
    return Errno.SUCCESS;
  }

  typeOf(h: FsHandle): Filetype {
    return (h as Handle).node.filetype;
  }
  stat(h: FsHandle, out: FileStat): Errno {
    const n = this.node(h);
    if (n === null) return Errno.BADF;
    this.fill(n, out);
    return Errno.SUCCESS;
  }

  /** Straight from the node's bytes into the caller's buffer (guest memory). */
  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const n = this.node(h);
    if (n === null) return -Errno.BADF;
    if (n.filetype === Filetype.DIRECTORY) return -Errno.ISDIR;
    if (position >= n.data.length) return 0;
    const count = Math.min(len, n.data.length - position);
    buf.set(n.data.subarray(position, position + count), off);
    return count;
  }

  readdir(h: FsHandle, out: DirEntry[]): Errno {
    const n = this.node(h);
    if (n === null) return Errno.BADF;
    if (n.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
    out.length = 0;
    for (const [name, child] of n.children) out.push({ name, ino: child.ino, filetype: child.filetype });
    return Errno.SUCCESS;
  }
}
