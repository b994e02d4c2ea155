import { assertFileSystem, DECLINED, Errno, Filetype, newFileStat, OpenFlags } from '@vos/core';
import type { DirEntry, FileStat, FileSystem, FsCapabilities, FsHandle, Ref } from '@vos/core';

const { WRITE, CREATE, EXCL, TRUNC, APPEND } = OpenFlags;
/** Open bits that ask for a change: the file's data (WRITE, TRUNC, APPEND) or the directory (CREATE). */
const MUTATING_OPEN = WRITE | CREATE | TRUNC | APPEND;

/**
 * Any backend, made read-only: what a Linux read-only mount (`mount -o ro`) answers, errno for errno.
 *
 * - Reads pass straight through, and the inner backend's handles are handed out unchanged (no wrapping, no
 *   per-call allocation).
 * - Every mutation is EROFS, but Linux looks the name up first for some calls, and then the lookup's answer wins:
 *   mkdir/symlink/link onto an existing name are EEXIST (`filename_create` checks EEXIST before the EROFS of
 *   `mnt_want_write`); utimensat of a missing name is ENOENT. unlink, rmdir and rename take the write lock
 *   before any lookup, so they are EROFS whatever the names.
 * - open: `O_CREAT` of a missing name is EROFS; of an existing file without write access it simply opens it;
 *   `O_CREAT|O_EXCL` of an existing name is EEXIST; write access or `O_TRUNC` on a directory is EISDIR (checked in
 *   `may_open` before write permission), on anything else EROFS; a symlink is still ELOOP.
 * - The optional fast paths are forwarded when the inner backend has them; `openPath` declines any open that
 *   asks for write access, so the refusal always comes from `openAt`.
 */
export class ReadOnlyFileSystem implements FileSystem {
  readonly capabilities: FsCapabilities;
  openDirPath?: (dir: FsHandle, names: readonly string[], count: number, out: Ref<FsHandle | null>) => number;
  openPath?: (dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>) => number;
  revalidate?: (dir: FsHandle) => Errno;
  /** Scratch record for the lookups above (never handed out). */
  private readonly probe: FileStat = newFileStat();

  constructor(readonly inner: FileSystem) {
    assertFileSystem(inner, 'ReadOnlyFileSystem inner');
    this.capabilities = Object.freeze({ ...inner.capabilities, readOnly: true });
    // Declared only when the inner backend has them, so the core's `fs.openPath !== undefined` tests stay honest.
    const { openDirPath, openPath, revalidate } = inner;
    if (openDirPath !== undefined) this.openDirPath = openDirPath.bind(inner);
    if (openPath !== undefined) {
      this.openPath = (dir, path, flags, out) => (flags & MUTATING_OPEN ? DECLINED : openPath.call(inner, dir, path, flags, out));
    }
    if (revalidate !== undefined) this.revalidate = revalidate.bind(inner);
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    return this.inner.openRoot(out);
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    return this.inner.statAt(dir, name, out);
  }

  /** See the class comment for the errno order. */
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    if (!(flags & MUTATING_OPEN)) return this.inner.openAt(dir, name, flags, out);
    const st = this.probe;
    const found = this.inner.statAt(dir, name, st);
    if (found === Errno.NOENT) return flags & CREATE ? Errno.ROFS : Errno.NOENT;
    if (found !== Errno.SUCCESS) return found as Errno;
    if (flags & CREATE && flags & EXCL) return Errno.EXIST;
    if (st.filetype === Filetype.SYMBOLIC_LINK) return Errno.LOOP;
    if (st.filetype === Filetype.DIRECTORY) {
      if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
    } else if (flags & (WRITE | TRUNC | APPEND)) {
      return Errno.ROFS;
    }
    // CREATE of an existing file (or APPEND on a directory) asks for nothing that would change it.
    return this.inner.openAt(dir, name, flags & ~MUTATING_OPEN, out);
  }

  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    return this.inner.readlinkAt(dir, name, out);
  }

  /** EEXIST for an existing name, else EROFS. */
  mkdirAt(dir: FsHandle, name: string): Errno {
    return this.createErrno(dir, name);
  }

  /** EEXIST for an existing name, else EROFS. */
  symlinkAt(_target: string, dir: FsHandle, name: string): Errno {
    return this.createErrno(dir, name);
  }

  /** Always EROFS (Linux takes the write lock before the lookup). */
  unlinkAt(_dir: FsHandle, _name: string): Errno {
    return Errno.ROFS;
  }

  /** Always EROFS. */
  rmdirAt(_dir: FsHandle, _name: string): Errno {
    return Errno.ROFS;
  }

  /** Always EROFS. */
  renameAt(_oldDir: FsHandle, _oldName: string, _newDir: FsHandle, _newName: string): Errno {
    return Errno.ROFS;
  }

  /** EEXIST when the new name exists, else EROFS. */
  linkAt(_oldDir: FsHandle, _oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.createErrno(newDir, newName);
  }

  /** ENOENT (or the lookup's errno) for a missing name, else EROFS. */
  setTimesAt(dir: FsHandle, name: string, _atim: bigint | null, _mtim: bigint | null): Errno {
    const found = this.inner.statAt(dir, name, this.probe);
    return found === Errno.SUCCESS ? Errno.ROFS : (found as Errno);
  }

  typeOf(h: FsHandle): Filetype {
    return this.inner.typeOf(h);
  }

  close(h: FsHandle): void {
    this.inner.close(h);
  }

  stat(h: FsHandle, out: FileStat): Errno {
    return this.inner.stat(h, out);
  }

  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    return this.inner.read(h, buf, off, len, position);
  }

  write(_h: FsHandle, _buf: Uint8Array, _off: number, _len: number, _position: number): number {
    return -Errno.ROFS;
  }

  truncate(_h: FsHandle, _size: number): Errno {
    return Errno.ROFS;
  }

  setTimes(_h: FsHandle, _atim: bigint | null, _mtim: bigint | null): Errno {
    return Errno.ROFS;
  }

  /** Nothing to flush, but fsync of a read-only file succeeds on Linux, so it is passed through. */
  sync(h: FsHandle, dataOnly: boolean): Errno {
    return this.inner.sync(h, dataOnly);
  }

  allocate(_h: FsHandle, _offset: number, _len: number): Errno {
    return Errno.ROFS;
  }

  readdir(h: FsHandle, out: DirEntry[]): Errno {
    return this.inner.readdir(h, out);
  }

  /** EEXIST when `name` exists in `dir`; the lookup's errno when it fails otherwise than ENOENT; else EROFS. */
  private createErrno(dir: FsHandle, name: string): Errno {
    if (name === '.') return Errno.EXIST;
    const found = this.inner.statAt(dir, name, this.probe);
    if (found === Errno.SUCCESS) return Errno.EXIST;
    return found === Errno.NOENT ? Errno.ROFS : (found as Errno);
  }
}
