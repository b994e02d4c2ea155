import { checkName } from '@vos/core'; // the one name check (walker and backends alike)
import {
  DECLINED,
  Errno,
  Filetype,
  OpenFlags,
  utf8Length,
  type DirEntry,
  type FileStat,
  type FileSystem,
  type FsCapabilities,
  type FsHandle,
  type Ref,
} from '@vos/core';
import { FileData, newDataCounters, type DataCounters } from './file-data';
import { exportToHost, populateFromHost } from './host-tree';
import { DirInode, FileInode, Inode, MemoryDirHandle, MemoryFileHandle, MemoryHandle, SymlinkInode } from './inode';
import { exportToObject, populateFromObject, type MemoryTree, type ToObjectOptions } from './tree';

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;

const CAPABILITIES: FsCapabilities = Object.freeze({
  readOnly: false,
  symlinks: true,
  hardLinks: true,
  timestampResolutionNs: 1n,
});

/** V8's typed-array length limit on 64-bit Node 20 (`buffer.constants.MAX_LENGTH`): no file can be larger. */
const MAX_FILE_SIZE = 2 ** 32;
/** As ext4: a file with this many names refuses another (EMLINK). */
const MAX_LINKS = 65000;
/** What one directory entry costs against `maxBytes` besides its name's bytes (roughly its share of a `Map`). */
export const ENTRY_COST = 64;

export const DEFAULT_MEMORY_QUOTA: Required<MemoryQuota> = Object.freeze({
  maxBytes: 512 * 1024 * 1024,
  maxInodes: 262_144,
  maxFileSize: MAX_FILE_SIZE,
});

function entryCost(name: string): number {
  return ENTRY_COST + (name.length < 0x80 ? name.length : utf8Length(name));
}

/**
 * Limits answered with ENOSPC (bytes, inodes) or EFBIG (one file's size); checked before anything changes. Every
 * `MemoryFileSystem` has one: the defaults (`DEFAULT_MEMORY_QUOTA`) keep a guest from filling the host's memory;
 * `Infinity` lifts a limit.
 */
export interface MemoryQuota {
  /**
   * Total bytes stored: regular-file data (sizes, sparse gaps included: memory holds them as zeros), plus every
   * directory entry (its name's bytes and `ENTRY_COST`; a hard link is an entry) and every symlink's target.
   * Default 512 MiB.
   */
  readonly maxBytes?: number;
  /** Live inodes, the root included; an unlinked file still open counts until its last handle closes. Default 262,144. */
  readonly maxInodes?: number;
  /** Largest size of one file. */
  readonly maxFileSize?: number;
}

export interface ToHostDirectoryOptions {
  /** Write symlinks whose targets could lead outside the export directory (default false: throw, EPERM). */
  readonly allowOutsideSymlinks?: boolean;
}

export interface MemoryFileSystemOptions {
  /**
   * Source of every timestamp the filesystem stamps: the core's Clock fits (only realtime, id 0, is read).
   * Required, with no wall-clock default, so a fake clock cannot be forgotten: give the instance's clock (a
   * `WASI` mount factory `({ clock }) => new MemoryFileSystem({ clock })` gets it), or `new SystemClock()`.
   */
  readonly clock: { now(id: 0): bigint };
  readonly quota?: MemoryQuota;
  /**
   * Device id reported by `stat` (default 1). Give each instance mounted in one guest its own: inode numbers
   * count from 1 in every instance, and (dev, ino) is how a guest decides that two paths are the same file.
   */
  readonly dev?: bigint;
}

export interface MemoryUsage {
  /** Bytes of regular-file data stored (sum of file sizes). */
  bytes: number;
  /** Bytes charged for directory entries and symlink targets (also counted against `maxBytes`). */
  metadataBytes: number;
  /** Live inodes (files, directories, symlinks; open-but-unlinked files included). */
  inodes: number;
  /** Capacity of the buffers behind those bytes (growth slack included; buffers shared with clones in full). */
  allocatedBytes: number;
}

/**
 * A filesystem held in memory, with what a guest sees on a real disk: directories, regular files, symlinks,
 * hard links (shared inode, nlink), stable inode numbers, ns timestamps from an injected clock, POSIX rename
 * and unlink-while-open semantics, sparse growth, optional quotas, and O(inodes) copy-on-write `clone()`.
 *
 * All state belongs to the instance (inode counter included). Names arrive from the core's walker already split
 * (see the contract); this backend never follows a symlink itself. Costs: lookups by name are O(1) (a `Map` per
 * directory), listings are linear in insertion order, file growth doubles the buffer (see `FileData`).
 * Builders and exporters (plain objects, host directories) live in `tree.ts` and `host-tree.ts`.
 */
export class MemoryFileSystem implements FileSystem {
  readonly capabilities: FsCapabilities = CAPABILITIES;
  readonly dev: bigint;
  /** Buffer reallocations, copy-on-write copies and allocated bytes; for tests and memory reports. */
  readonly counters: DataCounters = newDataCounters();

  private readonly options: MemoryFileSystemOptions;
  private readonly clock: { now(id: 0): bigint };
  private readonly maxBytes: number;
  private readonly maxInodes: number;
  private readonly maxFileSize: number;
  private root: DirInode;
  private nextIno = 1n;
  private inodeCount = 0;
  private usedBytes = 0;
  private metaBytes = 0;

  constructor(options: MemoryFileSystemOptions) {
    this.options = options;
    this.clock = options.clock;
    this.dev = options.dev ?? 1n;
    const quota = options.quota;
    if (quota !== undefined && (quota === null || typeof quota !== 'object')) throw new TypeError('vos: MemoryFileSystem options.quota must be an object');
    if (quota === undefined) {
      // The usual case, read by name (a filesystem is made per sandbox; the keyed reads below showed in its cost).
      this.maxBytes = DEFAULT_MEMORY_QUOTA.maxBytes;
      this.maxInodes = DEFAULT_MEMORY_QUOTA.maxInodes;
      this.maxFileSize = DEFAULT_MEMORY_QUOTA.maxFileSize;
    } else {
      this.maxBytes = quotaValue(quota, 'maxBytes');
      this.maxInodes = quotaValue(quota, 'maxInodes');
      this.maxFileSize = Math.min(quotaValue(quota, 'maxFileSize'), MAX_FILE_SIZE);
    }
    this.root = new DirInode(this.newIno(), this.now(), null);
    this.inodeCount = 1;
  }

  /** Root handles never fail: the root cannot be removed (`rmdirAt(root, '.')` is EINVAL). */
  openRoot(out: Ref<FsHandle | null>): Errno {
    return this.openDir(this.root, out);
  }

  // ---- name-relative operations ----

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const node = lookup((dir as MemoryDirHandle).inode, name);
    if (node === undefined) return Errno.NOENT;
    this.fill(node, out);
    return Errno.SUCCESS;
  }

  /**
   * As the node backend: DIRECTORY with CREATE is EINVAL (wasmtime); a directory opened without DIRECTORY still
   * gives a directory handle; TRUNC truncates even without WRITE (Linux), marking mtime and ctime.
   * Creating in a removed directory is ENOENT (Linux).
   */
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (flags & DIRECTORY && flags & CREATE) return Errno.INVAL;
    const d = (dir as MemoryDirHandle).inode;
    if (name === '.') {
      if (flags & CREATE && flags & EXCL) return Errno.EXIST;
      if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
      return this.openDir(d, out);
    }
    const node = d.entries.get(name);
    if (node !== undefined) return this.openExisting(node, flags, out);
    if (!(flags & CREATE) || !d.alive) return Errno.NOENT;
    if (this.inodeCount >= this.maxInodes || !this.fits(entryCost(name))) return Errno.NOSPC;
    const now = this.now();
    const file = new FileInode(this.newIno(), now, new FileData(this.counters));
    this.inodeCount++;
    this.addEntry(d, name, file, now);
    return this.openFile(file, flags, out);
  }

  /** Walks plain directory names; declines on anything but a real directory (a symlink, a file, a miss). */
  openDirPath(dir: FsHandle, names: readonly string[], count: number, out: Ref<FsHandle | null>): number {
    if (!this.isLiveDir(dir) || count > names.length) return DECLINED;
    let d = (dir as MemoryDirHandle).inode;
    for (let i = 0; i < count; i++) {
      const name = names[i];
      if (name === '.' || checkName(name) !== Errno.SUCCESS) return DECLINED;
      const next = d.entries.get(name);
      if (!(next instanceof DirInode)) return DECLINED;
      d = next;
    }
    return this.openDir(d, out);
  }

  /**
   * Walks `a/b/c` without splitting it into an array; declines on a symlink anywhere (the last name included),
   * a miss, a non-directory in the middle, CREATE/TRUNC, and on every error, so the walker finds the errno.
   */
  openPath(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number {
    if (!this.isLiveDir(dir) || flags & (CREATE | TRUNC)) return DECLINED;
    let d = (dir as MemoryDirHandle).inode;
    let start = 0;
    for (;;) {
      const slash = path.indexOf('/', start);
      const name = slash < 0 ? path.substring(start) : path.substring(start, slash);
      if (name === '.' || checkName(name) !== Errno.SUCCESS) return DECLINED;
      const node = d.entries.get(name);
      if (node === undefined || node instanceof SymlinkInode) return DECLINED;
      if (slash < 0) return this.openExisting(node, flags, out) === Errno.SUCCESS ? Errno.SUCCESS : DECLINED;
      if (!(node instanceof DirInode)) return DECLINED;
      d = node;
      start = slash + 1;
    }
  }

  /** Everything in memory is inside the sandbox: a live directory handle is always still valid. */
  revalidate(dir: FsHandle): Errno {
    return this.isLiveDir(dir) ? Errno.SUCCESS : Errno.BADF;
  }

  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const node = lookup((dir as MemoryDirHandle).inode, name);
    if (node === undefined) return Errno.NOENT;
    if (!(node instanceof SymlinkInode)) return Errno.INVAL;
    out.value = node.target;
    return Errno.SUCCESS;
  }

  mkdirAt(dir: FsHandle, name: string): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const d = (dir as MemoryDirHandle).inode;
    if (name === '.' || d.entries.has(name)) return Errno.EXIST;
    if (!d.alive) return Errno.NOENT;
    if (this.inodeCount >= this.maxInodes || !this.fits(entryCost(name))) return Errno.NOSPC;
    const now = this.now();
    this.inodeCount++;
    this.addEntry(d, name, new DirInode(this.newIno(), now, d), now);
    return Errno.SUCCESS;
  }

  /**
   * The target is stored as given. An empty target is ENOENT and a NUL is EINVAL, as on Linux, so that any
   * tree can be exported to a host directory.
   */
  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const d = (dir as MemoryDirHandle).inode;
    if (name === '.' || d.entries.has(name)) return Errno.EXIST;
    if (!d.alive || target.length === 0) return Errno.NOENT;
    if (target.includes('\0')) return Errno.INVAL;
    const targetBytes = utf8Length(target);
    if (this.inodeCount >= this.maxInodes || !this.fits(entryCost(name) + targetBytes)) return Errno.NOSPC;
    const now = this.now();
    this.inodeCount++;
    this.metaBytes += targetBytes;
    this.addEntry(d, name, new SymlinkInode(this.newIno(), now, target), now);
    return Errno.SUCCESS;
  }

  /** EISDIR for any directory, `.` included (Linux). The data lives on while a handle is open. */
  unlinkAt(dir: FsHandle, name: string): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (name === '.') return Errno.ISDIR;
    const d = (dir as MemoryDirHandle).inode;
    const node = d.entries.get(name);
    if (node === undefined) return Errno.NOENT;
    if (node instanceof DirInode) return Errno.ISDIR;
    this.removeEntry(d, name, node, this.now());
    return Errno.SUCCESS;
  }

  /** `.` is EINVAL (rmdir(2)), which keeps the root undeletable. Open handles then see an empty, dead directory. */
  rmdirAt(dir: FsHandle, name: string): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (name === '.') return Errno.INVAL;
    const d = (dir as MemoryDirHandle).inode;
    const node = d.entries.get(name);
    if (node === undefined) return Errno.NOENT;
    if (!(node instanceof DirInode)) return Errno.NOTDIR;
    if (node.entries.size > 0) return Errno.NOTEMPTY;
    this.removeEntry(d, name, node, this.now());
    return Errno.SUCCESS;
  }

  /**
   * rename(2): atomic (every check before any change). Two names of one inode (the same name, or hard links)
   * is a successful no-op, as POSIX says. A directory moves only over an empty directory and never into its own
   * subtree; the checks follow Linux's order (EINVAL for the subtree before looking at the target).
   */
  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    const bad = this.dirErrno(oldDir) || checkName(oldName) || this.dirErrno(newDir) || checkName(newName);
    if (bad) return bad;
    if (oldName === '.' || newName === '.') return Errno.INVAL;
    const from = (oldDir as MemoryDirHandle).inode;
    const to = (newDir as MemoryDirHandle).inode;
    const node = from.entries.get(oldName);
    if (node === undefined) return Errno.NOENT;
    const target = to.entries.get(newName);
    if (target === node) return Errno.SUCCESS;
    if (!to.alive) return Errno.NOENT;
    if (node instanceof DirInode) {
      if (node.contains(to)) return Errno.INVAL;
      if (target !== undefined) {
        if (!(target instanceof DirInode)) return Errno.NOTDIR;
        if (target.entries.size > 0) return Errno.NOTEMPTY;
      }
    } else if (target instanceof DirInode) {
      return Errno.ISDIR;
    }
    const growth = target === undefined ? entryCost(newName) - entryCost(oldName) : -entryCost(oldName);
    if (growth > 0 && !this.fits(growth)) return Errno.NOSPC;

    const now = this.now();
    this.metaBytes += growth;
    from.entries.delete(oldName);
    if (target !== undefined) this.detach(to, target, now); // its name is reused in place just below
    to.entries.set(newName, node);
    if (node instanceof DirInode) {
      from.subdirs--;
      to.subdirs++;
      node.parent = to;
    }
    from.mtim = from.ctim = now;
    to.mtim = to.ctim = now;
    node.ctim = now; // Linux marks the moved inode's ctime
    return Errno.SUCCESS;
  }

  /** link(2) never follows a symlink source (it links the link). `.` as source is a directory: EPERM. */
  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    const bad = this.dirErrno(oldDir) || checkName(oldName) || this.dirErrno(newDir) || checkName(newName);
    if (bad) return bad;
    if (oldName === '.') return Errno.PERM;
    const node = (oldDir as MemoryDirHandle).inode.entries.get(oldName);
    if (node === undefined) return Errno.NOENT;
    if (node instanceof DirInode) return Errno.PERM;
    const to = (newDir as MemoryDirHandle).inode;
    if (newName === '.' || to.entries.has(newName)) return Errno.EXIST;
    if (!to.alive) return Errno.NOENT;
    if (node.nlink >= MAX_LINKS) return Errno.MLINK;
    if (!this.fits(entryCost(newName))) return Errno.NOSPC;
    const now = this.now();
    this.addEntry(to, newName, node, now);
    node.ctim = now;
    return Errno.SUCCESS;
  }

  /** Not followed; `.` is the directory itself. Both null changes nothing (not even ctime, as utimensat). */
  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const node = lookup((dir as MemoryDirHandle).inode, name);
    if (node === undefined) return Errno.NOENT;
    this.applyTimes(node, atim, mtim);
    return Errno.SUCCESS;
  }

  // ---- handle operations ----

  typeOf(h: FsHandle): Filetype {
    return h instanceof MemoryDirHandle || h instanceof MemoryFileHandle ? (h.inode.filetype as Filetype) : Filetype.UNKNOWN;
  }

  /** Exactly once per handle; a second close, or a foreign handle, is a no-op. The last close frees an orphan. */
  close(h: FsHandle): void {
    if (!this.isLive(h)) return;
    const handle = h as MemoryDirHandle | MemoryFileHandle;
    handle.closed = true;
    handle.inode.openCount--;
    this.freeIfUnused(handle.inode);
  }

  /** EBADF for a closed or foreign handle. */
  stat(h: FsHandle, out: FileStat): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    this.fill((h as MemoryDirHandle | MemoryFileHandle).inode, out);
    return Errno.SUCCESS;
  }

  /**
   * Copies straight from the file's buffer into `buf` (guest memory) and marks atime (no relatime: a fake clock
   * makes every read observable, which is what tests want). EBADF for a write-only handle, EINVAL for a negative
   * position (handles have no offset of their own: the core passes one), EFAULT for a range outside `buf`.
   */
  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    if (!(h instanceof MemoryFileHandle) || h.owner !== this || h.closed) return -this.notFileErrno(h);
    if (!h.readable) return -Errno.BADF;
    if (position < 0) return -Errno.INVAL;
    if (off < 0 || len < 0 || off + len > buf.length) return -Errno.FAULT;
    const n = h.inode.data.read(position, buf, off, len);
    if (len > 0) h.inode.atim = this.now();
    return n;
  }

  /**
   * Position -1 (or an APPEND handle, whatever the position, as Linux O_APPEND) writes at the end. All or
   * nothing: EFBIG past the size limit, ENOSPC past the byte quota or when the host cannot allocate, and then
   * nothing was written. A zero-length write changes nothing (no growth, no times).
   */
  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    if (!(h instanceof MemoryFileHandle) || h.owner !== this || h.closed) return -this.notFileErrno(h);
    if (!h.writable) return -Errno.BADF;
    if (off < 0 || len < 0 || off + len > buf.length) return -Errno.FAULT;
    const file = h.inode;
    const data = file.data;
    if (position < 0 || h.append) position = data.size;
    if (len === 0) return 0;
    const end = position + len;
    if (end > this.maxFileSize) return -Errno.FBIG;
    const growth = end > data.size ? end - data.size : 0;
    if (growth > 0 && !this.fits(growth)) return -Errno.NOSPC;
    if (!data.write(position, buf, off, len)) return -Errno.NOSPC;
    this.usedBytes += growth;
    file.mtim = file.ctim = this.now();
    return len;
  }

  /** EINVAL for a negative size or a handle not open for writing (ftruncate(2)); EISDIR for a directory. */
  truncate(h: FsHandle, size: number): Errno {
    if (!(h instanceof MemoryFileHandle) || h.owner !== this || h.closed) return this.notFileErrno(h);
    if (!h.writable || size < 0 || !Number.isInteger(size)) return Errno.INVAL;
    return this.resize(h.inode, size);
  }

  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    this.applyTimes((h as MemoryDirHandle | MemoryFileHandle).inode, atim, mtim);
    return Errno.SUCCESS;
  }

  /** Memory is the storage: nothing to flush. */
  sync(h: FsHandle, _dataOnly: boolean): Errno {
    return this.isLive(h) ? Errno.SUCCESS : Errno.BADF;
  }

  /** posix_fallocate: grows (zero-filled) but never shrinks. EBADF when not open for writing (fallocate(2)). */
  allocate(h: FsHandle, offset: number, len: number): Errno {
    if (!(h instanceof MemoryFileHandle) || h.owner !== this || h.closed) return this.notFileErrno(h);
    if (!h.writable) return Errno.BADF;
    if (offset < 0 || len < 0) return Errno.INVAL;
    const end = offset + len;
    return end > h.inode.data.size ? this.resize(h.inode, end) : Errno.SUCCESS;
  }

  /** Insertion order (stable; a renamed-over name keeps its place). Marks the directory's atime. */
  readdir(h: FsHandle, out: DirEntry[]): Errno {
    const bad = this.dirErrno(h);
    if (bad) return bad;
    const d = (h as MemoryDirHandle).inode;
    out.length = 0;
    for (const [name, node] of d.entries) out.push({ name, ino: node.ino, filetype: node.filetype as Filetype });
    d.atim = this.now();
    return Errno.SUCCESS;
  }

  // ---- beyond the contract ----

  /** A filesystem holding `tree` (shape documented in `tree.ts`). Throws if the tree breaks a quota or a name rule. */
  static fromObject(tree: MemoryTree, options: MemoryFileSystemOptions): MemoryFileSystem {
    const fs = new MemoryFileSystem(options);
    populateFromObject(fs, tree);
    return fs;
  }

  /** A filesystem holding a copy of host directory `hostPath` (see `host-tree.ts`). Throws on host errors. */
  static fromHostDirectory(hostPath: string, options: MemoryFileSystemOptions): MemoryFileSystem {
    const fs = new MemoryFileSystem(options);
    populateFromHost(fs, hostPath);
    return fs;
  }

  /** The tree as a plain object (files as bytes, or as strings with `{ text: true }`); no atime is touched. */
  toObject(options?: ToObjectOptions): MemoryTree {
    return exportToObject(this, options);
  }

  /**
   * Writes the tree into host directory `hostPath` (created if missing; refuses to overwrite existing names).
   * The host's users will follow the symlinks it writes without vos's walker, so by default a symlink whose
   * target could lead outside `hostPath` (absolute; `..` after a name; any `..` at the top of the tree; more
   * than one below it: the rule for a guest's links on a host directory, docs/security.md) makes it throw
   * before anything is written, naming the link; `{ allowOutsideSymlinks: true }` writes them.
   */
  toHostDirectory(hostPath: string, options: ToHostDirectoryOptions = {}): void {
    if (options === null || typeof options !== 'object') throw new TypeError('vos: toHostDirectory options must be an object');
    const allow = options.allowOutsideSymlinks;
    if (allow !== undefined && typeof allow !== 'boolean') {
      throw new TypeError(`vos: toHostDirectory options.allowOutsideSymlinks must be a boolean, got ${typeof allow}`);
    }
    exportToHost(this, hostPath, allow === true);
  }

  /**
   * An independent copy of the tree in O(inodes): file buffers are shared copy-on-write (see `FileData`), so
   * neither side ever sees the other's later changes. Same options, inode numbers and times; hard links stay
   * links. Open handles are not carried over, nor are unlinked files that only open handles still reach.
   */
  clone(): MemoryFileSystem {
    const copy = new MemoryFileSystem(this.options);
    const seen = new Map<Inode, Inode>();
    copy.root = copy.copyInode(this.root, null, seen) as DirInode;
    const stack: DirInode[] = [this.root];
    while (stack.length > 0) {
      const src = stack.pop() as DirInode;
      const dst = seen.get(src) as DirInode;
      for (const [name, node] of src.entries) {
        let twin = seen.get(node);
        copy.metaBytes += entryCost(name);
        if (twin === undefined) {
          twin = copy.copyInode(node, dst, seen);
          if (node instanceof DirInode) stack.push(node);
        }
        dst.entries.set(name, twin);
      }
    }
    copy.nextIno = this.nextIno;
    copy.inodeCount = seen.size;
    return copy;
  }

  /** Stored bytes and live inodes, for quotas and memory reports. */
  usage(): MemoryUsage {
    return { bytes: this.usedBytes, metadataBytes: this.metaBytes, inodes: this.inodeCount, allocatedBytes: this.counters.allocatedBytes };
  }

  /** @internal The root inode, for the exporters in `tree.ts` (which read without touching atime). */
  rootInode(): DirInode {
    return this.root;
  }

  // ---- internals ----

  private now(): bigint {
    return this.clock.now(0);
  }

  private newIno(): bigint {
    return this.nextIno++;
  }

  private copyInode(node: Inode, parent: DirInode | null, seen: Map<Inode, Inode>): Inode {
    let twin: Inode;
    if (node instanceof DirInode) {
      const dir = new DirInode(node.ino, node.ctim, parent);
      dir.subdirs = node.subdirs;
      twin = dir;
    } else if (node instanceof FileInode) {
      twin = new FileInode(node.ino, node.ctim, node.data.share(this.counters));
      this.usedBytes += node.data.size;
    } else {
      twin = new SymlinkInode(node.ino, node.ctim, (node as SymlinkInode).target);
      this.metaBytes += utf8Length((node as SymlinkInode).target);
    }
    twin.nlink = node.nlink;
    twin.atim = node.atim;
    twin.mtim = node.mtim;
    seen.set(node, twin);
    return twin;
  }

  private openDir(d: DirInode, out: Ref<FsHandle | null>): Errno {
    d.openCount++;
    out.value = new MemoryDirHandle(this, d);
    return Errno.SUCCESS;
  }

  /** Write access without READ is write-only (as O_WRONLY); anything else may read. */
  private openFile(file: FileInode, flags: number, out: Ref<FsHandle | null>): Errno {
    file.openCount++;
    const writable = (flags & WRITE) !== 0;
    out.value = new MemoryFileHandle(this, file, !writable || (flags & READ) !== 0, writable, (flags & APPEND) !== 0);
    return Errno.SUCCESS;
  }

  private openExisting(node: Inode, flags: number, out: Ref<FsHandle | null>): Errno {
    if (flags & CREATE && flags & EXCL) return Errno.EXIST;
    if (node instanceof SymlinkInode) return Errno.LOOP;
    if (node instanceof DirInode) {
      if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
      return this.openDir(node, out);
    }
    if (flags & DIRECTORY) return Errno.NOTDIR;
    const file = node as FileInode;
    if (flags & TRUNC) {
      const bad = this.resize(file, 0); // shrinking cannot fail
      if (bad) return bad;
    }
    return this.openFile(file, flags, out);
  }

  /** Sets a file's size within the limits, zero-filling growth; marks mtime and ctime (even when unchanged). */
  private resize(file: FileInode, size: number): Errno {
    if (size > this.maxFileSize) return Errno.FBIG;
    const growth = size - file.data.size;
    if (growth > 0 && !this.fits(growth)) return Errno.NOSPC;
    if (!file.data.resize(size)) return Errno.NOSPC;
    this.usedBytes += growth;
    file.mtim = file.ctim = this.now();
    return Errno.SUCCESS;
  }

  /** Whether `bytes` more fit in the byte quota (file data and metadata share it). */
  private fits(bytes: number): boolean {
    return this.usedBytes + this.metaBytes + bytes <= this.maxBytes;
  }

  private addEntry(d: DirInode, name: string, node: Inode, now: bigint): void {
    this.metaBytes += entryCost(name);
    d.entries.set(name, node);
    if (node instanceof DirInode) d.subdirs++;
    else node.nlink++;
    d.mtim = d.ctim = now;
  }

  private removeEntry(d: DirInode, name: string, node: Inode, now: bigint): void {
    this.metaBytes -= entryCost(name);
    d.entries.delete(name);
    this.detach(d, node, now);
  }

  /** The bookkeeping of removing one name of `node` from `d` (the caller updates `d.entries`). */
  private detach(d: DirInode, node: Inode, now: bigint): void {
    if (node instanceof DirInode) {
      d.subdirs--;
      node.alive = false;
      node.parent = null;
    } else {
      node.nlink--;
    }
    node.ctim = now;
    d.mtim = d.ctim = now;
    this.freeIfUnused(node);
  }

  /** An inode with neither a name nor an open handle is gone: give back its bytes and its inode slot. */
  private freeIfUnused(node: Inode): void {
    if (node.linked() || node.openCount > 0) return;
    this.inodeCount--;
    if (node instanceof FileInode) {
      this.usedBytes -= node.data.size;
      node.data.release();
    } else if (node instanceof SymlinkInode) {
      this.metaBytes -= utf8Length(node.target);
    }
  }

  private applyTimes(node: Inode, atim: bigint | null, mtim: bigint | null): void {
    if (atim === null && mtim === null) return;
    if (atim !== null) node.atim = atim;
    if (mtim !== null) node.mtim = mtim;
    node.ctim = this.now();
  }

  /** Directory size is its entry count (there is no block size to report). */
  private fill(node: Inode, out: FileStat): void {
    out.dev = this.dev;
    out.ino = node.ino;
    out.filetype = node.filetype as Filetype;
    out.nlink = BigInt(node.links());
    let size = 0;
    if (node instanceof FileInode) size = node.data.size;
    else if (node instanceof SymlinkInode) size = utf8Length(node.target);
    else if (node instanceof DirInode) size = node.entries.size;
    out.size = BigInt(size);
    out.atim = node.atim;
    out.mtim = node.mtim;
    out.ctim = node.ctim;
  }

  private isLive(h: FsHandle): boolean {
    return h instanceof MemoryHandle && h.owner === this && !h.closed;
  }

  private isLiveDir(h: FsHandle): boolean {
    return h instanceof MemoryDirHandle && h.owner === this && !h.closed;
  }

  /** 0 for a live directory handle of ours; ENOTDIR for one of our files; EBADF for anything else. */
  private dirErrno(h: FsHandle): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    return h instanceof MemoryDirHandle ? Errno.SUCCESS : Errno.NOTDIR;
  }

  /** Why a handle is not a live file of ours: a directory (EISDIR) or not ours / closed (EBADF). */
  private notFileErrno(h: FsHandle): Errno {
    return h instanceof MemoryDirHandle && this.isLive(h) ? Errno.ISDIR : Errno.BADF;
  }
}

/** `name` in `d`, where `.` is `d` itself. */
function lookup(d: DirInode, name: string): Inode | undefined {
  return name === '.' ? d : d.entries.get(name);
}

/** One quota value: its default when absent, else a positive number (Infinity lifts it); throws naming it. */
function quotaValue(quota: MemoryQuota | undefined, key: keyof MemoryQuota): number {
  const v = quota?.[key];
  if (v === undefined) return DEFAULT_MEMORY_QUOTA[key];
  if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new RangeError(`vos: MemoryFileSystem quota.${key} must be a number >= 0, got ${String(v)}`);
  return v;
}
