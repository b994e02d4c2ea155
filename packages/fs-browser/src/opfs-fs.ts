/**
 * The origin private file system as an asynchronous vos filesystem (the `AsyncFileSystem` contract): nothing is
 * loaded ahead, every call goes to OPFS when the guest makes it. It reaches a synchronous guest through JSPI
 * (`@vos/jspi`) on any page, or through the worker channel (`@vos/worker`) on a cross-origin isolated one. For a
 * tree that fits in memory, `PersistentFileSystem` is much faster (memory speed, one write-back); this one suits
 * large trees of which a run touches little, and sees changes other tabs made.
 *
 * What OPFS has: files and directories. So: no symlinks and no hard links (ENOTSUP, capabilities say so);
 * renaming a file uses `FileSystemHandle.move` (Chromium), a directory rename is ENOTSUP; a file's mtime is OPFS's
 * `lastModified` (ms) and times the guest sets are kept for this filesystem's lifetime only (OPFS cannot store
 * them). Writes go through `createWritable` (a swap file per call: correct everywhere, slow for many small writes).
 */
import { Errno, Filetype, OpenFlags, type DirEntry, type FileStat, type FsCapabilities, type FsHandle, type Ref } from '@vos/core';

const { WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND, READ } = OpenFlags;

interface DirH {
  kind: 'dir';
  dir: FileSystemDirectoryHandle;
  path: string;
  closed: boolean;
}
interface FileH {
  kind: 'file';
  file: FileSystemFileHandle;
  path: string;
  readable: boolean;
  writable: boolean;
  closed: boolean;
}
type H = DirH | FileH;

function errnoOf(err: unknown): Errno {
  if (err instanceof DOMException) {
    switch (err.name) {
      case 'NotFoundError':
        return Errno.NOENT;
      case 'TypeMismatchError':
        return Errno.NOTDIR;
      case 'InvalidModificationError':
        return Errno.NOTEMPTY;
      case 'QuotaExceededError':
        return Errno.NOSPC;
      case 'NoModificationAllowedError':
        return Errno.BUSY;
      case 'NotAllowedError':
      case 'SecurityError':
        return Errno.ACCES;
    }
  }
  if (err instanceof TypeError) return Errno.INVAL; // a name OPFS refuses
  return Errno.IO;
}

export class OpfsFileSystem {
  readonly capabilities: FsCapabilities = { readOnly: false, symlinks: false, hardLinks: false, timestampResolutionNs: 1_000_000n };
  private readonly inos = new Map<string, bigint>();
  private nextIno = 1n;
  /** Times the guest set, by path (OPFS cannot store them). */
  private readonly times = new Map<string, { atim: bigint | null; mtim: bigint | null }>();

  private constructor(private readonly root: FileSystemDirectoryHandle) {}

  /** The OPFS directory `name` (created if needed; '' for the origin's OPFS root) as a filesystem. */
  static async open(name: string): Promise<OpfsFileSystem> {
    let dir = await navigator.storage.getDirectory();
    for (const part of name.split('/').filter(Boolean)) dir = await dir.getDirectoryHandle(part, { create: true });
    return new OpfsFileSystem(dir);
  }

  private ino(path: string): bigint {
    let n = this.inos.get(path);
    if (n === undefined) this.inos.set(path, (n = this.nextIno++));
    return n;
  }

  private live(h: FsHandle): H | null {
    const x = h as H;
    return x && (x.kind === 'dir' || x.kind === 'file') && !x.closed ? x : null;
  }

  private dirOf(h: FsHandle): DirH | Errno {
    const x = this.live(h);
    if (x === null) return Errno.BADF;
    return x.kind === 'dir' ? x : Errno.NOTDIR;
  }

  /** The entry `name` in `dir`: a file or directory handle, or an errno. */
  private async lookup(dir: DirH, name: string): Promise<FileSystemHandle | Errno> {
    if (name === '.') return dir.dir;
    try {
      return await dir.dir.getFileHandle(name);
    } catch (err) {
      if (!(err instanceof DOMException) || err.name !== 'TypeMismatchError') return errnoOf(err);
    }
    try {
      return await dir.dir.getDirectoryHandle(name);
    } catch (err) {
      return errnoOf(err);
    }
  }

  private async fill(handle: FileSystemHandle, path: string, out: FileStat): Promise<void> {
    out.dev = 0n;
    out.ino = this.ino(path);
    out.nlink = 1n;
    const set = this.times.get(path);
    if (handle.kind === 'file') {
      const f = await (handle as FileSystemFileHandle).getFile();
      const m = BigInt(f.lastModified) * 1_000_000n;
      out.filetype = Filetype.REGULAR_FILE;
      out.size = BigInt(f.size);
      out.mtim = set?.mtim ?? m;
      out.atim = set?.atim ?? m;
      out.ctim = m;
    } else {
      out.filetype = Filetype.DIRECTORY;
      out.size = 0n;
      out.mtim = set?.mtim ?? 0n;
      out.atim = set?.atim ?? 0n;
      out.ctim = 0n;
    }
  }

  async openRoot(out: Ref<FsHandle | null>): Promise<Errno> {
    out.value = { kind: 'dir', dir: this.root, path: '', closed: false } satisfies DirH;
    return Errno.SUCCESS;
  }

  async statAt(dir: FsHandle, name: string, out: FileStat): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    const e = await this.lookup(d, name);
    if (typeof e === 'number') return e;
    await this.fill(e, join(d.path, name), out);
    return Errno.SUCCESS;
  }

  async openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    const path = join(d.path, name);
    let e = await this.lookup(d, name);
    if (typeof e === 'number') {
      if (e !== Errno.NOENT || !(flags & CREATE)) return e;
      if (flags & DIRECTORY) return Errno.NOENT;
      try {
        e = await d.dir.getFileHandle(name, { create: true });
      } catch (err) {
        return errnoOf(err);
      }
    } else if (flags & CREATE && flags & EXCL) return Errno.EXIST;
    if (e.kind === 'directory') {
      if (flags & (WRITE | TRUNC)) return Errno.ISDIR;
      out.value = { kind: 'dir', dir: e as FileSystemDirectoryHandle, path, closed: false } satisfies DirH;
      return Errno.SUCCESS;
    }
    if (flags & DIRECTORY) return Errno.NOTDIR;
    const file = e as FileSystemFileHandle;
    if (flags & TRUNC) {
      const r = await this.setSize(file, 0);
      if (r !== Errno.SUCCESS) return r;
    }
    const writable = (flags & (WRITE | APPEND)) !== 0;
    out.value = { kind: 'file', file, path, readable: !writable || (flags & READ) !== 0, writable, closed: false } satisfies FileH;
    return Errno.SUCCESS;
  }

  async readlinkAt(dir: FsHandle, name: string, _out: Ref<string>): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    const e = await this.lookup(d, name);
    return typeof e === 'number' ? e : Errno.INVAL; // OPFS has no symlinks: whatever exists is not one
  }

  async mkdirAt(dir: FsHandle, name: string): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    const e = await this.lookup(d, name);
    if (typeof e !== 'number') return Errno.EXIST;
    if (e !== Errno.NOENT) return e;
    try {
      await d.dir.getDirectoryHandle(name, { create: true });
      return Errno.SUCCESS;
    } catch (err) {
      return errnoOf(err);
    }
  }

  async symlinkAt(): Promise<Errno> {
    return Errno.NOTSUP;
  }

  async linkAt(): Promise<Errno> {
    return Errno.NOTSUP;
  }

  async unlinkAt(dir: FsHandle, name: string): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    const e = await this.lookup(d, name);
    if (typeof e === 'number') return e;
    if (e.kind === 'directory') return Errno.ISDIR;
    return this.remove(d, name);
  }

  async rmdirAt(dir: FsHandle, name: string): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    if (name === '.') return Errno.INVAL;
    const e = await this.lookup(d, name);
    if (typeof e === 'number') return e;
    if (e.kind !== 'directory') return Errno.NOTDIR;
    for await (const _ of (e as FileSystemDirectoryHandle).keys()) return Errno.NOTEMPTY;
    return this.remove(d, name);
  }

  private async remove(d: DirH, name: string): Promise<Errno> {
    try {
      await d.dir.removeEntry(name);
      const path = join(d.path, name);
      this.times.delete(path);
      this.inos.delete(path);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoOf(err);
    }
  }

  async renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Promise<Errno> {
    const a = this.dirOf(oldDir);
    if (typeof a === 'number') return a;
    const b = this.dirOf(newDir);
    if (typeof b === 'number') return b;
    const e = await this.lookup(a, oldName);
    if (typeof e === 'number') return e;
    if (e.kind === 'directory') return Errno.NOTSUP;
    const target = await this.lookup(b, newName);
    if (typeof target !== 'number' && target.kind === 'directory') return Errno.ISDIR;
    const move = (e as FileSystemFileHandle & { move?: (dir: FileSystemDirectoryHandle, name: string) => Promise<void> }).move;
    if (typeof move !== 'function') return Errno.NOTSUP;
    try {
      if (typeof target !== 'number') await b.dir.removeEntry(newName);
      await move.call(e, b.dir, newName);
      const from = join(a.path, oldName);
      const to = join(b.path, newName);
      const ino = this.inos.get(from);
      this.inos.delete(from);
      if (ino !== undefined) this.inos.set(to, ino);
      const t = this.times.get(from);
      this.times.delete(from);
      if (t) this.times.set(to, t);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoOf(err);
    }
  }

  async setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Promise<Errno> {
    const d = this.dirOf(dir);
    if (typeof d === 'number') return d;
    const e = await this.lookup(d, name);
    if (typeof e === 'number') return e;
    this.setTimesOf(join(d.path, name), atim, mtim);
    return Errno.SUCCESS;
  }

  private setTimesOf(path: string, atim: bigint | null, mtim: bigint | null): void {
    const t = this.times.get(path) ?? { atim: null, mtim: null };
    if (atim !== null) t.atim = atim;
    if (mtim !== null) t.mtim = mtim;
    this.times.set(path, t);
  }

  typeOf(h: FsHandle): Filetype {
    const x = this.live(h);
    return x === null ? Filetype.UNKNOWN : x.kind === 'dir' ? Filetype.DIRECTORY : Filetype.REGULAR_FILE;
  }

  close(h: FsHandle): void {
    const x = this.live(h);
    if (x !== null) x.closed = true;
  }

  async stat(h: FsHandle, out: FileStat): Promise<Errno> {
    const x = this.live(h);
    if (x === null) return Errno.BADF;
    try {
      await this.fill(x.kind === 'dir' ? x.dir : x.file, x.path, out);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoOf(err);
    }
  }

  async read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): Promise<number> {
    const x = this.live(h);
    if (x === null) return -Errno.BADF;
    if (x.kind === 'dir') return -Errno.ISDIR;
    if (!x.readable) return -Errno.BADF;
    try {
      const f = await x.file.getFile();
      const bytes = new Uint8Array(await f.slice(position, position + len).arrayBuffer());
      buf.set(bytes, off);
      return bytes.length;
    } catch (err) {
      return -errnoOf(err);
    }
  }

  async write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): Promise<number> {
    const x = this.live(h);
    if (x === null) return -Errno.BADF;
    if (x.kind === 'dir') return -Errno.ISDIR;
    if (!x.writable) return -Errno.BADF;
    try {
      const at = position < 0 ? (await x.file.getFile()).size : position;
      const w = await x.file.createWritable({ keepExistingData: true });
      await w.write({ type: 'write', position: at, data: buf.slice(off, off + len) });
      await w.close();
      this.times.delete(x.path); // a write sets mtime: OPFS's lastModified
      return len;
    } catch (err) {
      return -errnoOf(err);
    }
  }

  private async setSize(file: FileSystemFileHandle, size: number): Promise<Errno> {
    try {
      const w = await file.createWritable({ keepExistingData: true });
      await w.truncate(size);
      await w.close();
      return Errno.SUCCESS;
    } catch (err) {
      return errnoOf(err);
    }
  }

  async truncate(h: FsHandle, size: number): Promise<Errno> {
    const x = this.live(h);
    if (x === null) return Errno.BADF;
    if (x.kind === 'dir' || !x.writable) return Errno.BADF;
    return this.setSize(x.file, size);
  }

  async setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Promise<Errno> {
    const x = this.live(h);
    if (x === null) return Errno.BADF;
    this.setTimesOf(x.path, atim, mtim);
    return Errno.SUCCESS;
  }

  async sync(h: FsHandle): Promise<Errno> {
    return this.live(h) === null ? Errno.BADF : Errno.SUCCESS; // each write is closed (committed) already
  }

  async allocate(h: FsHandle, offset: number, len: number): Promise<Errno> {
    const x = this.live(h);
    if (x === null || x.kind === 'dir') return Errno.BADF;
    const size = (await x.file.getFile()).size;
    return offset + len > size ? this.setSize(x.file, offset + len) : Errno.SUCCESS;
  }

  async readdir(h: FsHandle, out: DirEntry[]): Promise<Errno> {
    const x = this.live(h);
    if (x === null) return Errno.BADF;
    if (x.kind !== 'dir') return Errno.NOTDIR;
    out.length = 0;
    try {
      const names: [string, FileSystemHandle][] = [];
      for await (const entry of x.dir.entries()) names.push(entry);
      names.sort((p, q) => (p[0] < q[0] ? -1 : p[0] > q[0] ? 1 : 0)); // stable order while unchanged
      for (const [name, handle] of names) {
        out.push({ name, ino: this.ino(join(x.path, name)), filetype: handle.kind === 'directory' ? Filetype.DIRECTORY : Filetype.REGULAR_FILE });
      }
      return Errno.SUCCESS;
    } catch (err) {
      return errnoOf(err);
    }
  }
}

function join(dir: string, name: string): string {
  return name === '.' ? dir : dir === '' ? name : `${dir}/${name}`;
}
