import { assertFileSystem } from './fs-contract';
import { Errno } from '../abi/errno';
import { Filetype } from '../abi/constants';
import {
  newFileStat, OpenFlags, type DirEntry, type FileStat, type FileSystem, type FsCapabilities, type FsHandle, type Ref,
} from './fs';

/**
 * Bases for filesystem authors, on top of the full `FileSystem` contract (which stays the one the core calls):
 * - `BaseFileSystem`: implement the reads; every other method answers the right errno by default.
 * - `ForwardingFileSystem`: a wrapper that forwards everything to an inner backend; override what you change.
 * - `StoreFileSystem` (store.ts): a whole backend over a simple path-keyed store.
 * docs/writing-a-provider.md shows each with a tested example.
 */

const { WRITE, CREATE, EXCL, TRUNC, APPEND } = OpenFlags;
/** Open bits that ask for a change: the file's data (WRITE, TRUNC, APPEND) or the directory (CREATE). */
export const MUTATING_OPEN = WRITE | CREATE | TRUNC | APPEND;

/**
 * What a read-only mount answers to each mutation, errno for errno as Linux (`mount -o ro`): some calls look the
 * name up first and the lookup's answer wins (mkdir/symlink/link onto an existing name are EEXIST, utimensat of
 * a missing name ENOENT); unlink, rmdir and rename take the write lock first, so they are always EROFS. `lookup`
 * is the backend whose names are asked about; `probe` a scratch record.
 */
export const readOnlyErrno = {
  /**
   * An open with mutating bits: the errno, or -1 when the open asks for nothing that would change the name
   * (O_CREAT of an existing file without write access): then open it with `flags & ~MUTATING_OPEN`.
   */
  open(lookup: FileSystem, dir: FsHandle, name: string, flags: number, probe: FileStat): number {
    const found = lookup.statAt(dir, name, probe);
    if (found === Errno.NOENT) return flags & CREATE ? Errno.ROFS : Errno.NOENT;
    if (found !== Errno.SUCCESS) return found;
    if (flags & CREATE && flags & EXCL) return Errno.EXIST;
    if (probe.filetype === Filetype.SYMBOLIC_LINK) return Errno.LOOP;
    if (probe.filetype === Filetype.DIRECTORY) {
      if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
    } else if (flags & (WRITE | TRUNC | APPEND)) {
      return Errno.ROFS;
    }
    return -1;
  },
  /** mkdir, symlink, and link's new name: EEXIST for an existing name, the lookup's errno, else EROFS. */
  create(lookup: FileSystem, dir: FsHandle, name: string, probe: FileStat): Errno {
    if (name === '.') return Errno.EXIST;
    const found = lookup.statAt(dir, name, probe);
    if (found === Errno.SUCCESS) return Errno.EXIST;
    return found === Errno.NOENT ? Errno.ROFS : found;
  },
  /** setTimesAt: the lookup's errno for a missing name, else EROFS. */
  setTimes(lookup: FileSystem, dir: FsHandle, name: string, probe: FileStat): Errno {
    const found = lookup.statAt(dir, name, probe);
    return found === Errno.SUCCESS ? Errno.ROFS : found;
  },
} as const;

/**
 * A backend with defaults: implement `capabilities`, `openRoot`, `statAt`, `open`, `typeOf`, `stat`, `read` and
 * `readdir`, and a read-only backend is complete. Everything else answers what a backend that cannot do it
 * should:
 * - read-only (`capabilities.readOnly`): every mutation is refused as a Linux read-only mount refuses it
 *   (`readOnlyErrno`), `openAt` included, so `open` only ever sees read opens;
 * - writable: a mutation the subclass does not override is ENOSYS (symlinks and hard links: ENOTSUP, the
 *   contract's errno for a backend without them), so a missing method is a clear errno, never a crash;
 * - `readlinkAt` is EINVAL for an existing name (nothing is a symlink) and the lookup's errno otherwise;
 * - `close` does nothing, `sync` succeeds.
 */
export abstract class BaseFileSystem implements FileSystem {
  abstract readonly capabilities: FsCapabilities;
  /** Scratch record for the default lookups (never handed out). */
  private readonly probe: FileStat = newFileStat();

  abstract openRoot(out: Ref<FsHandle | null>): Errno;
  abstract statAt(dir: FsHandle, name: string, out: FileStat): Errno;
  abstract typeOf(h: FsHandle): Filetype;
  abstract stat(h: FsHandle, out: FileStat): Errno;
  abstract read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number;
  abstract readdir(h: FsHandle, out: DirEntry[]): Errno;

  /**
   * Opens `name` in `dir` (`.`: the directory). Same rules and errnos as `FileSystem.openAt`; on a read-only
   * backend only opens without `MUTATING_OPEN` bits get here.
   */
  protected abstract open(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno;

  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    if (!(flags & MUTATING_OPEN) || !this.capabilities.readOnly) return this.open(dir, name, flags, out);
    const errno = readOnlyErrno.open(this, dir, name, flags, this.probe);
    return errno >= 0 ? (errno as Errno) : this.open(dir, name, flags & ~MUTATING_OPEN, out);
  }

  readlinkAt(dir: FsHandle, name: string, _out: Ref<string>): Errno {
    const found = this.statAt(dir, name, this.probe);
    return found === Errno.SUCCESS ? Errno.INVAL : found;
  }

  mkdirAt(dir: FsHandle, name: string): Errno {
    return this.capabilities.readOnly ? readOnlyErrno.create(this, dir, name, this.probe) : Errno.NOSYS;
  }

  symlinkAt(_target: string, dir: FsHandle, name: string): Errno {
    return this.capabilities.readOnly ? readOnlyErrno.create(this, dir, name, this.probe) : Errno.NOTSUP;
  }

  unlinkAt(_dir: FsHandle, _name: string): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS;
  }

  rmdirAt(_dir: FsHandle, _name: string): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS;
  }

  renameAt(_oldDir: FsHandle, _oldName: string, _newDir: FsHandle, _newName: string): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS;
  }

  linkAt(_oldDir: FsHandle, _oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.capabilities.readOnly ? readOnlyErrno.create(this, newDir, newName, this.probe) : Errno.NOTSUP;
  }

  setTimesAt(dir: FsHandle, name: string, _atim: bigint | null, _mtim: bigint | null): Errno {
    return this.capabilities.readOnly ? readOnlyErrno.setTimes(this, dir, name, this.probe) : Errno.NOSYS;
  }

  close(_h: FsHandle): void {}

  write(_h: FsHandle, _buf: Uint8Array, _off: number, _len: number, _position: number): number {
    return -(this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS);
  }

  truncate(_h: FsHandle, _size: number): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS;
  }

  setTimes(_h: FsHandle, _atim: bigint | null, _mtim: bigint | null): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS;
  }

  /** Nothing to flush: fsync of a file that cannot change succeeds (as on Linux). */
  sync(_h: FsHandle, _dataOnly: boolean): Errno {
    return Errno.SUCCESS;
  }

  allocate(_h: FsHandle, _offset: number, _len: number): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOSYS;
  }
}

/**
 * A wrapper that forwards every call to `inner` unchanged, handles included (no per-call allocation): extend it
 * and override what your layer changes (read-only, fault injection, logging, quotas). The optional fast paths
 * (`openPath`, `openDirPath`) and `revalidate` exist on the wrapper only when the inner backend has them, so the
 * core's `fs.openPath !== undefined` tests stay true to the stack; a layer that must see every open (because it
 * changes what `openAt` does) deletes them in its constructor (`this.openPath = undefined`). The fast path for
 * opens that create or truncate (`openPathCreating`) is never forwarded: a layer that passes it on must say so
 * itself, so no layer written before it existed (or without thinking of it) is bypassed. Vectored I/O
 * (`readv`, `writev`) is forwarded the same way, but only to a layer that does not override `read` (`write`).
 */
export class ForwardingFileSystem<Inner extends FileSystem = FileSystem> implements FileSystem {
  readonly capabilities: FsCapabilities;
  openDirPath?: (dir: FsHandle, names: readonly string[], count: number, out: Ref<FsHandle | null>) => number;
  openPath?: (dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>) => number;
  revalidate?: (dir: FsHandle) => Errno;
  // `declare`d, not initialised: a subclass's own `readv`/`writev` methods must not be shadowed by an own property.
  declare readv?: (h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number) => number;
  declare writev?: (h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number) => number;

  constructor(readonly inner: Inner, capabilities?: FsCapabilities) {
    assertFileSystem(inner, `${new.target.name} inner`); // the whole contract, now, not at the first syscall
    this.capabilities = capabilities ?? inner.capabilities;
    const { openDirPath, openPath, revalidate, readv, writev } = inner;
    if (openDirPath !== undefined) this.openDirPath = openDirPath.bind(inner);
    if (openPath !== undefined) this.openPath = openPath.bind(inner);
    if (revalidate !== undefined) this.revalidate = revalidate.bind(inner);
    // Vectored I/O goes straight to the inner backend only where this layer leaves `read` (`write`) as it is and
    // has no `readv` (`writev`) of its own: the inner one would bypass what the layer changed (a read-only layer's
    // EROFS, a fault plan), so such a layer goes without, and the core calls its `read`/`write` once per iovec.
    const proto = ForwardingFileSystem.prototype;
    if (readv !== undefined && this.readv === undefined && this.read === proto.read) this.readv = readv.bind(inner);
    if (writev !== undefined && this.writev === undefined && this.write === proto.write) this.writev = writev.bind(inner);
    // `acceptsTargetOf` is deliberately not forwarded: a layer changes what its backend allows, so renames and
    // links across two wrapped backends stay EXDEV unless the layer itself says otherwise. Nor is
    // `openPathCreating`: creates and truncates always reach this layer's `openAt` unless the layer offers it.
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    return this.inner.openRoot(out);
  }
  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    return this.inner.statAt(dir, name, out);
  }
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    return this.inner.openAt(dir, name, flags, out);
  }
  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    return this.inner.readlinkAt(dir, name, out);
  }
  mkdirAt(dir: FsHandle, name: string): Errno {
    return this.inner.mkdirAt(dir, name);
  }
  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    return this.inner.symlinkAt(target, dir, name);
  }
  unlinkAt(dir: FsHandle, name: string): Errno {
    return this.inner.unlinkAt(dir, name);
  }
  rmdirAt(dir: FsHandle, name: string): Errno {
    return this.inner.rmdirAt(dir, name);
  }
  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.inner.renameAt(oldDir, oldName, newDir, newName);
  }
  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.inner.linkAt(oldDir, oldName, newDir, newName);
  }
  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    return this.inner.setTimesAt(dir, name, atim, mtim);
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
  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    return this.inner.write(h, buf, off, len, position);
  }
  truncate(h: FsHandle, size: number): Errno {
    return this.inner.truncate(h, size);
  }
  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    return this.inner.setTimes(h, atim, mtim);
  }
  sync(h: FsHandle, dataOnly: boolean): Errno {
    return this.inner.sync(h, dataOnly);
  }
  allocate(h: FsHandle, offset: number, len: number): Errno {
    return this.inner.allocate(h, offset, len);
  }
  readdir(h: FsHandle, out: DirEntry[]): Errno {
    return this.inner.readdir(h, out);
  }
}
