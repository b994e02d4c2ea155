import { assertFileSystem, DECLINED, Errno, ForwardingFileSystem, MUTATING_OPEN, newFileStat, readOnlyErrno } from '@vos/core';
import type { FileStat, FileSystem, FsHandle, Ref } from '@vos/core';

/**
 * Any backend, made read-only: what a Linux read-only mount (`mount -o ro`) answers, errno for errno.
 *
 * - Reads pass straight through (`ForwardingFileSystem`), and the inner backend's handles are handed out
 *   unchanged (no wrapping, no per-call allocation).
 * - Every mutation is EROFS, but Linux looks the name up first for some calls, and then the lookup's answer wins:
 *   mkdir/symlink/link onto an existing name are EEXIST (`filename_create` checks EEXIST before the EROFS of
 *   `mnt_want_write`); utimensat of a missing name is ENOENT. unlink, rmdir and rename take the write lock
 *   before any lookup, so they are EROFS whatever the names (`readOnlyErrno` in @vos/core has the rules).
 * - open: `O_CREAT` of a missing name is EROFS; of an existing file without write access it simply opens it;
 *   `O_CREAT|O_EXCL` of an existing name is EEXIST; write access or `O_TRUNC` on a directory is EISDIR (checked in
 *   `may_open` before write permission), on anything else EROFS; a symlink is still ELOOP.
 * - The optional fast paths are forwarded when the inner backend has them; `openPath` declines any open that
 *   asks for write access, so the refusal always comes from `openAt`.
 */
export class ReadOnlyFileSystem extends ForwardingFileSystem {
  /** Scratch record for the lookups above (never handed out). */
  private readonly probe: FileStat = newFileStat();

  constructor(inner: FileSystem) {
    assertFileSystem(inner, 'ReadOnlyFileSystem inner');
    super(inner, Object.freeze({ ...inner.capabilities, readOnly: true }));
    const openPath = inner.openPath;
    if (openPath !== undefined) {
      this.openPath = (dir, path, flags, out) => (flags & MUTATING_OPEN ? DECLINED : openPath.call(inner, dir, path, flags, out));
    }
  }

  /** See the class comment for the errno order. */
  override openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    if (!(flags & MUTATING_OPEN)) return this.inner.openAt(dir, name, flags, out);
    const errno = readOnlyErrno.open(this.inner, dir, name, flags, this.probe);
    // CREATE of an existing file (or APPEND on a directory) asks for nothing that would change it.
    return errno >= 0 ? (errno as Errno) : this.inner.openAt(dir, name, flags & ~MUTATING_OPEN, out);
  }

  override mkdirAt(dir: FsHandle, name: string): Errno {
    return readOnlyErrno.create(this.inner, dir, name, this.probe);
  }

  override symlinkAt(_target: string, dir: FsHandle, name: string): Errno {
    return readOnlyErrno.create(this.inner, dir, name, this.probe);
  }

  override unlinkAt(_dir: FsHandle, _name: string): Errno {
    return Errno.ROFS;
  }

  override rmdirAt(_dir: FsHandle, _name: string): Errno {
    return Errno.ROFS;
  }

  override renameAt(_oldDir: FsHandle, _oldName: string, _newDir: FsHandle, _newName: string): Errno {
    return Errno.ROFS;
  }

  override linkAt(_oldDir: FsHandle, _oldName: string, newDir: FsHandle, newName: string): Errno {
    return readOnlyErrno.create(this.inner, newDir, newName, this.probe);
  }

  override setTimesAt(dir: FsHandle, name: string, _atim: bigint | null, _mtim: bigint | null): Errno {
    return readOnlyErrno.setTimes(this.inner, dir, name, this.probe);
  }

  override write(_h: FsHandle, _buf: Uint8Array, _off: number, _len: number, _position: number): number {
    return -Errno.ROFS;
  }

  override truncate(_h: FsHandle, _size: number): Errno {
    return Errno.ROFS;
  }

  override setTimes(_h: FsHandle, _atim: bigint | null, _mtim: bigint | null): Errno {
    return Errno.ROFS;
  }

  override allocate(_h: FsHandle, _offset: number, _len: number): Errno {
    return Errno.ROFS;
  }
  // sync passes through: nothing to flush, but fsync of a read-only file succeeds on Linux.
}
