import { Errno } from '../abi/errno';
import { Filetype } from '../abi/constants';
import { BaseFileSystem } from './base';
import { OpenFlags, type DirEntry, type FileStat, type FsCapabilities, type FsHandle, type Ref } from './fs';

/** What a `PathStore` knows about one path. */
export interface StoreEntry {
  readonly type: 'file' | 'directory' | 'symlink';
  /** A file's size in bytes (default: the length of what `read` returns). */
  readonly size?: number;
  /** Modification time, ns since the Unix epoch (default 0). */
  readonly mtime?: bigint;
  /** A symlink's target text (the core's walker follows it, inside the sandbox). */
  readonly target?: string;
}

/**
 * A simple path-keyed store: a `Map`, a zip file, a key-value database. Paths are `''` for the root, otherwise
 * names joined by `/` (never empty, `.` or `..`: the core's walker has resolved those). Methods may throw; the
 * adapter turns a throw into EIO for the guest. Without `write` the backend is read-only.
 */
export interface PathStore {
  /** What is at `path`, or undefined when nothing is. */
  stat(path: string): StoreEntry | undefined;
  /** The whole content of the file at `path`. */
  read(path: string): Uint8Array;
  /** The names in the directory at `path`. */
  list(path: string): Iterable<string>;
  /** Creates or replaces the file at `path` with `data`. */
  write?(path: string, data: Uint8Array): void;
  /** Creates an empty directory at `path`. */
  mkdir?(path: string): void;
  /** Removes the file or the empty directory at `path`. */
  remove?(path: string): void;
}

/** A file's bytes while at least one handle has it open (loaded at open): shared by its handles, written back when dirty. */
class OpenFile {
  refs = 0;
  dirty = false;
  /** Set once the name is unlinked: the bytes live on for the open handles but are never written back. */
  detached = false;
  constructor(public data: Uint8Array, public size: number) {}
}

class StoreHandle {
  file: OpenFile | null = null;
  closed = false;
  constructor(readonly owner: StoreFileSystem, readonly path: string, readonly filetype: Filetype) {}
}

const TYPES = { file: Filetype.REGULAR_FILE, directory: Filetype.DIRECTORY, symlink: Filetype.SYMBOLIC_LINK } as const;

/**
 * A complete `FileSystem` over a `PathStore`, so a backend over a `Map`, a zip file or a key-value store is a page
 * of code. Everything the contract asks that a store cannot know is done here: inode numbers (stable per path for
 * the life of the backend), handles, `.`, directory listings with types, byte ranges, and the errno of every
 * refusal. Writes go to a growable buffer shared by a file's open handles and reach the store (`write`) on
 * `sync` and on the last `close`. Not supported (the contract's errno): rename (ENOSYS), hard links and
 * creating symlinks (ENOTSUP), setting times (ENOSYS). For speed or full POSIX behaviour, implement
 * `FileSystem` (or `BaseFileSystem`) directly.
 */
export class StoreFileSystem extends BaseFileSystem {
  readonly capabilities: FsCapabilities;
  private readonly inodes = new Map<string, bigint>();
  private readonly openFiles = new Map<string, OpenFile>();

  constructor(readonly store: PathStore, options: { readonly dev?: bigint } = {}) {
    super();
    this.capabilities = Object.freeze({ readOnly: store.write === undefined, symlinks: false, hardLinks: false, timestampResolutionNs: 1n });
    this.dev = options.dev ?? 0x73746f72n; // 'stor'
  }

  private readonly dev: bigint;

  // ---- lookups ----

  private handle(h: FsHandle): StoreHandle | null {
    return h instanceof StoreHandle && h.owner === this && !h.closed ? h : null;
  }

  /** The path of `name` in the directory handle `dir`, or an errno. */
  private pathOf(dir: FsHandle, name: string): string | Errno {
    const d = this.handle(dir);
    if (d === null) return Errno.BADF;
    if (d.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
    if (name === '.') return d.path;
    return d.path === '' ? name : `${d.path}/${name}`;
  }

  private entry(path: string): StoreEntry | undefined | Errno {
    try {
      return path === '' ? { type: 'directory' } : this.store.stat(path);
    } catch {
      return Errno.IO;
    }
  }

  private ino(path: string): bigint {
    let ino = this.inodes.get(path);
    if (ino === undefined) this.inodes.set(path, (ino = BigInt(this.inodes.size + 1)));
    return ino;
  }

  private fill(path: string, e: StoreEntry, out: FileStat): Errno {
    out.dev = this.dev;
    out.ino = this.ino(path);
    out.filetype = TYPES[e.type];
    out.nlink = 1n;
    const open = this.openFiles.get(path);
    let size = 0;
    if (open !== undefined) size = open.size;
    else if (e.type === 'symlink') size = new TextEncoder().encode(e.target ?? '').length;
    else if (e.type === 'file') {
      if (e.size !== undefined) size = e.size;
      else {
        const data = this.load(path);
        if (typeof data === 'number') return data;
        size = data.length;
      }
    }
    out.size = BigInt(size);
    out.atim = out.mtim = out.ctim = e.mtime ?? 0n;
    return Errno.SUCCESS;
  }

  private load(path: string): Uint8Array | Errno {
    try {
      const data = this.store.read(path);
      return data instanceof Uint8Array ? data : Errno.IO;
    } catch {
      return Errno.IO;
    }
  }

  /** The shared bytes of an open file handle, loaded on first use. */
  private fileOf(h: StoreHandle): OpenFile | Errno {
    if (h.file !== null) return h.file;
    let file = this.openFiles.get(h.path);
    if (file === undefined) {
      const data = this.load(h.path);
      if (typeof data === 'number') return data;
      file = new OpenFile(data, data.length);
      this.openFiles.set(h.path, file);
    }
    file.refs++;
    h.file = file;
    return file;
  }

  private flush(path: string, file: OpenFile): Errno {
    if (!file.dirty || file.detached || this.store.write === undefined) return Errno.SUCCESS;
    try {
      this.store.write(path, file.data.slice(0, file.size));
      file.dirty = false;
      return Errno.SUCCESS;
    } catch {
      return Errno.IO;
    }
  }

  // ---- the contract ----

  openRoot(out: Ref<FsHandle | null>): Errno {
    out.value = new StoreHandle(this, '', Filetype.DIRECTORY);
    return Errno.SUCCESS;
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const path = this.pathOf(dir, name);
    if (typeof path === 'number') return path;
    const e = this.entry(path);
    if (e === undefined) return Errno.NOENT;
    if (typeof e === 'number') return e;
    return this.fill(path, e, out);
  }

  protected open(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    const path = this.pathOf(dir, name);
    if (typeof path === 'number') return path;
    let e = this.entry(path);
    if (typeof e === 'number') return e;
    if (e === undefined) {
      if (!(flags & OpenFlags.CREATE)) return Errno.NOENT;
      if (flags & OpenFlags.DIRECTORY) return Errno.NOENT;
      const errno = this.put(path, new Uint8Array(0));
      if (errno !== Errno.SUCCESS) return errno;
      e = { type: 'file' };
    } else if (flags & OpenFlags.CREATE && flags & OpenFlags.EXCL) return Errno.EXIST;
    if (e.type === 'symlink') return Errno.LOOP;
    if (e.type !== 'directory' && flags & OpenFlags.DIRECTORY) return Errno.NOTDIR;
    if (e.type === 'directory' && flags & (OpenFlags.WRITE | OpenFlags.TRUNC)) return Errno.ISDIR;
    const h = new StoreHandle(this, path, TYPES[e.type]);
    if (e.type === 'file') {
      // The bytes are the handle's from now on (POSIX: they outlive an unlink of the name).
      const file = this.fileOf(h);
      if (typeof file === 'number') return file;
    }
    if (flags & OpenFlags.TRUNC) {
      const errno = this.truncate(h, 0);
      if (errno !== Errno.SUCCESS) {
        this.close(h);
        return errno;
      }
    }
    out.value = h;
    return Errno.SUCCESS;
  }

  private put(path: string, data: Uint8Array): Errno {
    try {
      (this.store.write as NonNullable<PathStore['write']>).call(this.store, path, data);
      return Errno.SUCCESS;
    } catch {
      return Errno.IO;
    }
  }

  override readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const path = this.pathOf(dir, name);
    if (typeof path === 'number') return path;
    const e = this.entry(path);
    if (e === undefined) return Errno.NOENT;
    if (typeof e === 'number') return e;
    if (e.type !== 'symlink') return Errno.INVAL;
    out.value = e.target ?? '';
    return Errno.SUCCESS;
  }

  override mkdirAt(dir: FsHandle, name: string): Errno {
    if (this.store.mkdir === undefined) return super.mkdirAt(dir, name);
    const path = this.pathOf(dir, name);
    if (typeof path === 'number') return path;
    if (name === '.') return Errno.EXIST;
    const e = this.entry(path);
    if (typeof e === 'number') return e;
    if (e !== undefined) return Errno.EXIST;
    try {
      this.store.mkdir(path);
      return Errno.SUCCESS;
    } catch {
      return Errno.IO;
    }
  }

  override unlinkAt(dir: FsHandle, name: string): Errno {
    return this.removeAt(dir, name, false);
  }

  override rmdirAt(dir: FsHandle, name: string): Errno {
    return this.removeAt(dir, name, true);
  }

  private removeAt(dir: FsHandle, name: string, directory: boolean): Errno {
    if (this.store.remove === undefined) return directory ? super.rmdirAt(dir, name) : super.unlinkAt(dir, name);
    const path = this.pathOf(dir, name);
    if (typeof path === 'number') return path;
    if (name === '.') return directory ? Errno.INVAL : Errno.ISDIR;
    const e = this.entry(path);
    if (typeof e === 'number') return e;
    if (e === undefined) return Errno.NOENT;
    if (directory && e.type !== 'directory') return Errno.NOTDIR;
    if (!directory && e.type === 'directory') return Errno.ISDIR;
    try {
      if (directory) for (const _ of this.store.list(path)) return Errno.NOTEMPTY;
      this.store.remove(path);
    } catch {
      return Errno.IO;
    }
    // Open handles keep the bytes (POSIX); the name is gone, so they are never written back, and a new file of
    // the same name is a new inode.
    const open = this.openFiles.get(path);
    if (open !== undefined) {
      open.detached = true;
      this.openFiles.delete(path);
    }
    this.inodes.delete(path);
    return Errno.SUCCESS;
  }

  typeOf(h: FsHandle): Filetype {
    return (h as StoreHandle).filetype;
  }

  override close(h: FsHandle): void {
    const s = this.handle(h);
    if (s === null) return;
    s.closed = true;
    const file = s.file;
    if (file === null) return;
    s.file = null;
    if (--file.refs > 0) return;
    this.flush(s.path, file);
    if (this.openFiles.get(s.path) === file) this.openFiles.delete(s.path);
  }

  stat(h: FsHandle, out: FileStat): Errno {
    const s = this.handle(h);
    if (s === null) return Errno.BADF;
    if (s.file !== null && s.file.detached) {
      out.dev = this.dev;
      out.ino = 0n;
      out.filetype = Filetype.REGULAR_FILE;
      out.nlink = 0n;
      out.size = BigInt(s.file.size);
      return Errno.SUCCESS;
    }
    const e = this.entry(s.path);
    if (e === undefined) return Errno.NOENT;
    if (typeof e === 'number') return e;
    return this.fill(s.path, e, out);
  }

  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const s = this.handle(h);
    if (s === null) return -Errno.BADF;
    if (s.filetype === Filetype.DIRECTORY) return -Errno.ISDIR;
    const file = this.fileOf(s);
    if (typeof file === 'number') return -file;
    if (position >= file.size) return 0;
    const n = Math.min(len, file.size - position);
    buf.set(file.data.subarray(position, position + n), off);
    return n;
  }

  override write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const s = this.handle(h);
    if (s === null) return -Errno.BADF;
    if (this.capabilities.readOnly) return -Errno.ROFS;
    const file = this.fileOf(s);
    if (typeof file === 'number') return -file;
    const at = position < 0 ? file.size : position;
    reserve(file, at + len);
    file.data.set(buf.subarray(off, off + len), at);
    if (at + len > file.size) file.size = at + len;
    file.dirty = true;
    return len;
  }

  override truncate(h: FsHandle, size: number): Errno {
    const s = this.handle(h);
    if (s === null) return Errno.BADF;
    if (this.capabilities.readOnly) return Errno.ROFS;
    const file = this.fileOf(s);
    if (typeof file === 'number') return file;
    reserve(file, size);
    if (size < file.size) file.data.fill(0, size, file.size);
    file.size = size;
    file.dirty = true;
    return Errno.SUCCESS;
  }

  override allocate(h: FsHandle, offset: number, len: number): Errno {
    const s = this.handle(h);
    if (s === null) return Errno.BADF;
    if (this.capabilities.readOnly) return Errno.ROFS;
    const file = this.fileOf(s);
    if (typeof file === 'number') return file;
    return offset + len > file.size ? this.truncate(h, offset + len) : Errno.SUCCESS;
  }

  override sync(h: FsHandle, _dataOnly: boolean): Errno {
    const s = this.handle(h);
    if (s === null) return Errno.BADF;
    return s.file === null ? Errno.SUCCESS : this.flush(s.path, s.file);
  }

  readdir(h: FsHandle, out: DirEntry[]): Errno {
    const s = this.handle(h);
    if (s === null) return Errno.BADF;
    if (s.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
    out.length = 0;
    try {
      for (const name of this.store.list(s.path)) {
        const path = s.path === '' ? name : `${s.path}/${name}`;
        const e = this.store.stat(path);
        if (e !== undefined) out.push({ name, ino: this.ino(path), filetype: TYPES[e.type] });
      }
    } catch {
      return Errno.IO;
    }
    return Errno.SUCCESS;
  }
}

/** Grows a file's buffer to hold `size` bytes, doubling (never one reallocation per small write). */
function reserve(file: OpenFile, size: number): void {
  if (size <= file.data.length) return;
  const grown = new Uint8Array(Math.max(size, file.data.length * 2, 64));
  grown.set(file.data.subarray(0, file.size));
  file.data = grown;
}
