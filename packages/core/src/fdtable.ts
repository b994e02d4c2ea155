import { Errno } from './abi/errno';
import { Filetype, Rights } from './abi/constants';
import type { DirEntry, FileSystem, FsHandle } from './providers/fs';
import type { Stream } from './providers/stdio';
import type { Namespace } from './namespace';

/** What an fd refers to. Files and directories are distinct kinds (STYLE habit 7). */
export const FdKind = { File: 1, Directory: 2, Stream: 3 } as const;
export type FdKind = (typeof FdKind)[keyof typeof FdKind];

/**
 * One open fd. At run time every fd is this one class (one object shape: the fd table's property reads stay
 * monomorphic on the hot path); to the type checker an fd is one of `FileFd`, `DirectoryFd`, `StreamFd`, told
 * apart by `kind`, so code that has checked the kind needs no casts.
 */
class FdRecord {
  /** File cursor for `File` entries; -1 means "at the end" (after an append), resolved lazily with fstat. */
  position = 0;
  /**
   * FD_READ / FD_WRITE as the underlying open allows them (a file opened read-only, stdout). A read or write
   * the open does not allow is EBADF (POSIX, wasmtime); one the guest dropped with fd_fdstat_set_rights is
   * ENOTCAPABLE.
   */
  mode = 0;
  /**
   * What the fd refers to, for traces and messages: the directory fd it was opened from and the guest path
   * given (kept apart, so opening costs no string concatenation). See `describe()`.
   */
  openedFrom: FdEntry | null = null;
  openedPath = '';
  /** The mount namespace a directory fd belongs to (null outside a namespace), and its path there. */
  ns: Namespace | null = null;
  nsPath = '/';
  /** Snapshot of a directory listing for `fd_readdir` cookies, taken when a read starts at cookie 0. */
  listing: DirEntry[] | null = null;

  constructor(
    readonly kind: FdKind,
    public filetype: Filetype,
    public rightsBase: number,
    public rightsInheriting: number,
    public fdflags: number,
    readonly fs: FileSystem | null,
    readonly handle: FsHandle | null,
    readonly stream: Stream | null,
    /** Guest path of a preopened directory (for `fd_prestat_*`), else null. */
    readonly preopenPath: string | null = null,
  ) {}

  /** A readable name: the preopen's guest path, or `<dir>/<path as opened>`; streams by their role. */
  describe(): string {
    if (this.preopenPath !== null) return this.preopenPath;
    if (this.openedFrom !== null) {
      const dir = this.openedFrom.describe();
      return dir.endsWith('/') ? dir + this.openedPath : `${dir}/${this.openedPath}`;
    }
    return '';
  }

  close(): void {
    if (this.handle !== null && this.fs !== null) this.fs.close(this.handle);
    else if (this.stream !== null && this.stream.close) this.stream.close();
  }
}

type FdCommon = Omit<FdRecord, 'kind' | 'fs' | 'handle' | 'stream'>;
/** A regular file (or any non-directory a filesystem opened): `fs` and `handle` are set. */
export interface FileFd extends FdCommon {
  readonly kind: typeof FdKind.File;
  readonly fs: FileSystem;
  readonly handle: FsHandle;
  readonly stream: null;
}
/** A directory of a filesystem: `fs` and `handle` are set; `listing`, `ns` and `nsPath` are used. */
export interface DirectoryFd extends FdCommon {
  readonly kind: typeof FdKind.Directory;
  readonly fs: FileSystem;
  readonly handle: FsHandle;
  readonly stream: null;
}
/** A stream provider (stdio): `stream` is set. */
export interface StreamFd extends FdCommon {
  readonly kind: typeof FdKind.Stream;
  readonly fs: null;
  readonly handle: null;
  readonly stream: Stream;
}
export type FdEntry = FileFd | DirectoryFd | StreamFd;
/** What the `file` fd kind of the ABI table accepts: anything but a directory. */
export type NonDirectoryFd = FileFd | StreamFd;

export function fileFd(filetype: Filetype, rightsBase: number, rightsInheriting: number, fdflags: number, fs: FileSystem, handle: FsHandle): FileFd {
  return new FdRecord(FdKind.File, filetype, rightsBase, rightsInheriting, fdflags, fs, handle, null) as FileFd;
}
export function directoryFd(rightsBase: number, rightsInheriting: number, fs: FileSystem, handle: FsHandle, preopenPath: string | null = null): DirectoryFd {
  return new FdRecord(FdKind.Directory, Filetype.DIRECTORY, rightsBase, rightsInheriting, 0, fs, handle, null, preopenPath) as DirectoryFd;
}
export function streamFd(stream: Stream, rightsBase: number): StreamFd {
  return new FdRecord(FdKind.Stream, stream.filetype, rightsBase, 0, 0, null, null, stream) as StreamFd;
}

const MODE_RIGHTS = Rights.FD_READ | Rights.FD_WRITE;

/**
 * A dense fd table with a free list and a cap. `get` checks range, liveness and rights in one place (as
 * uvwasi's `uvwasi_fd_table_get`), returning the entry or an errno, without allocating.
 */
export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];
  /** Freed slots, reused lowest-first so fd numbers stay small and deterministic. */
  private readonly free: number[] = [];

  constructor(readonly maxFds: number = 16384) {}

  get size(): number {
    return this.entries.length - this.free.length;
  }

  /** The entry for `fd` if open and holding every right in `rights`, else EBADF / ENOTCAPABLE. */
  get(fd: number, rights: number): FdEntry | Errno {
    const entry = this.entries[fd];
    if (entry === undefined) return Errno.BADF;
    const missing = rights & ~entry.rightsBase;
    if (missing !== 0) return (missing & MODE_RIGHTS & ~entry.mode) !== 0 ? Errno.BADF : Errno.NOTCAPABLE;
    return entry;
  }

  /** `get` for a `dir` parameter: a file is ENOTDIR (POSIX *at calls), a stream EBADF (not a filesystem fd). */
  getDirectory(fd: number, rights: number): DirectoryFd | Errno {
    const entry = this.entries[fd];
    if (entry === undefined || entry.kind === FdKind.Stream) return Errno.BADF;
    if (entry.kind !== FdKind.Directory) return Errno.NOTDIR;
    return this.checkRights(entry, rights);
  }

  /** `get` for a `file` parameter: a directory is EBADF (wasmtime). */
  getNonDirectory(fd: number, rights: number): NonDirectoryFd | Errno {
    const entry = this.entries[fd];
    if (entry === undefined || entry.kind === FdKind.Directory) return Errno.BADF;
    return this.checkRights(entry, rights);
  }

  /** The rights check of `get`, for an entry already in hand (calls whose rights depend on their arguments). */
  checkRights<E extends FdEntry>(entry: E, rights: number): E | Errno {
    const missing = rights & ~entry.rightsBase;
    if (missing !== 0) return (missing & MODE_RIGHTS & ~entry.mode) !== 0 ? Errno.BADF : Errno.NOTCAPABLE;
    return entry;
  }

  peek(fd: number): FdEntry | undefined {
    return this.entries[fd];
  }

  /** Inserts at the lowest free number; -1 when the table is full (EMFILE for the guest). */
  insert(entry: FdEntry): number {
    if (this.free.length > 0) {
      let best = 0;
      for (let i = 1; i < this.free.length; i++) if (this.free[i] < this.free[best]) best = i;
      const fd = this.free[best];
      this.free[best] = this.free[this.free.length - 1];
      this.free.pop();
      this.entries[fd] = entry;
      return fd;
    }
    if (this.entries.length >= this.maxFds) return -1;
    this.entries.push(entry);
    return this.entries.length - 1;
  }

  /** Removes `fd` (the caller closes the entry). */
  remove(fd: number): FdEntry | undefined {
    const entry = this.entries[fd];
    if (entry === undefined) return undefined;
    if (fd === this.entries.length - 1) {
      this.entries.pop();
      // Trailing free slots shrink the dense array instead of sitting on the free list.
      while (this.entries.length > 0 && this.entries[this.entries.length - 1] === undefined) {
        const last = this.entries.length - 1;
        this.entries.pop();
        const i = this.free.indexOf(last);
        if (i >= 0) {
          this.free[i] = this.free[this.free.length - 1];
          this.free.pop();
        }
      }
    } else {
      this.entries[fd] = undefined;
      this.free.push(fd);
    }
    return entry;
  }

  /** `fd_renumber`: moves `from` onto `to` (both must be open), closing what was at `to`. */
  renumber(from: number, to: number): Errno {
    const source = this.entries[from];
    const target = this.entries[to];
    if (source === undefined || target === undefined) return Errno.BADF;
    if (from === to) return Errno.SUCCESS;
    target.close();
    this.entries[to] = source;
    this.remove(from);
    return Errno.SUCCESS;
  }

  closeAll(): void {
    for (const e of this.entries) e?.close();
    this.entries.length = 0;
    this.free.length = 0;
  }
}
