import { Errno } from './abi/errno';
import { Filetype, Rights } from './abi/constants';
import type { DirEntry, FileSystem, FsHandle } from './providers/fs';
import type { Stream } from './providers/stdio';
import type { Namespace } from './namespace';
import { LISTING_ENTRY_COST } from './limits';

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
  /** Bytes of `listing` counted against the table's listing budget (see `FdTable.holdListing`). */
  listingBytes = 0;
  /** Neighbours in the table's least-recently-read list of held listings. */
  listingPrev: FdEntry | null = null;
  listingNext: FdEntry | null = null;

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

  /**
   * A readable name: the preopen's guest path, or `<dir>/<path as opened>`; streams by their role. Iterative (a
   * guest decides how long the chain of `openedFrom` is) and cut to its last DESCRIBE_MAX characters.
   */
  describe(): string {
    let out = '';
    for (let e: FdEntry | null = this as unknown as FdEntry; e !== null; e = e.openedFrom) {
      if (e.preopenPath !== null) return join(e.preopenPath, out);
      if (e.openedFrom === null) return e === (this as unknown) ? '' : join(e.openedPath, out);
      out = out === '' ? e.openedPath : join(e.openedPath, out);
      if (out.length > DESCRIBE_MAX) return '…' + out.slice(out.length - DESCRIBE_MAX);
    }
    return out;
  }

  /**
   * Called once the fd is closed: its description is frozen into `openedPath` and its links to other entries and
   * its listing are dropped, so a closed fd that a still-open child names costs one bounded string, and the
   * chain of entries kept alive never grows with the number of fds closed.
   */
  retire(): void {
    // Only a directory can be the `openedFrom` of another fd; a closed file's description is never read again, so
    // it is not built (closing a file is then a link cut, not a string join: docs/decisions.md, "Cold syscalls").
    if (this.openedFrom !== null && this.kind === FdKind.Directory) {
      this.openedPath = this.describe();
    }
    this.openedFrom = null;
    this.listing = null;
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
/** `mode`: FD_READ and/or FD_WRITE, what the stream allows (see `FdRecord.mode`). */
export function streamFd(stream: Stream, rightsBase: number, mode: number): StreamFd {
  const entry = new FdRecord(FdKind.Stream, stream.filetype, rightsBase, 0, 0, null, null, stream) as StreamFd;
  entry.mode = mode;
  return entry;
}

const MODE_RIGHTS = Rights.FD_READ | Rights.FD_WRITE;
/** Longest description kept for an fd (characters); longer ones keep their end, after an ellipsis. */
const DESCRIBE_MAX = 8192;

function join(dir: string, rest: string): string {
  if (rest === '') return dir;
  return dir.endsWith('/') ? dir + rest : `${dir}/${rest}`;
}

/**
 * A dense fd table with a free list and a cap. `get` checks range, liveness and rights in one place (as
 * uvwasi's `uvwasi_fd_table_get`), returning the entry or an errno, without allocating.
 */
export class FdTable {
  private readonly entries: (FdEntry | undefined)[] = [];
  /** Freed slots, reused lowest-first so fd numbers stay small and deterministic. */
  private readonly free: number[] = [];

  /** Held listings, least recently read first (a doubly linked list through the entries: no per-call allocation). */
  private listingHead: FdEntry | null = null;
  private listingTail: FdEntry | null = null;
  /** Bytes of all held listings (as `holdListing` counts them). */
  private listingTotal = 0;

  constructor(
    readonly maxFds: number = 16384,
    /** Budget of bytes held in listings over all fds (see `CoreLimits.maxListingBytes`). */
    readonly maxListingBytes: number = 64 * 1024 * 1024,
  ) {}

  /** Bytes currently held in `fd_readdir` listings, over all fds. */
  get heldListingBytes(): number {
    return this.listingTotal;
  }

  /**
   * Records that `entry` now holds `listing` (most recently read), and drops the least recently read listings of
   * other fds while the total is over budget; their next read past cookie 0 takes a fresh snapshot. One listing
   * larger than the whole budget is still served, alone.
   */
  holdListing(entry: FdEntry, listing: DirEntry[]): void {
    this.dropListing(entry);
    entry.listing = listing;
    let bytes = listing.length * LISTING_ENTRY_COST;
    for (let i = 0; i < listing.length; i++) bytes += listing[i].name.length;
    entry.listingBytes = bytes;
    this.listingTotal += bytes;
    entry.listingPrev = this.listingTail;
    entry.listingNext = null;
    if (this.listingTail !== null) this.listingTail.listingNext = entry;
    else this.listingHead = entry;
    this.listingTail = entry;
    while (this.listingTotal > this.maxListingBytes && this.listingHead !== entry) this.dropListing(this.listingHead as FdEntry);
  }

  /** Releases the listing `entry` holds (the guest read to its end, closed the fd, or the budget needs room). */
  dropListing(entry: FdEntry): void {
    if (entry.listing === null) return;
    this.listingTotal -= entry.listingBytes;
    const { listingPrev: prev, listingNext: next } = entry;
    if (prev !== null) prev.listingNext = next;
    else if (this.listingHead === entry) this.listingHead = next;
    if (next !== null) next.listingPrev = prev;
    else if (this.listingTail === entry) this.listingTail = prev;
    entry.listing = null;
    entry.listingBytes = 0;
    entry.listingPrev = entry.listingNext = null;
  }

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

  /** Removes `fd` (the caller closes the entry); its listing is released and its links to other entries cut. */
  remove(fd: number): FdEntry | undefined {
    const entry = this.entries[fd];
    if (entry === undefined) return undefined;
    if (entry.listing !== null) this.dropListing(entry);
    entry.retire();
    this.removeSlot(fd);
    return entry;
  }

  /** Frees slot `fd` (which holds an entry). */
  private removeSlot(fd: number): void {
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
  }

  /** `fd_renumber`: moves `from` onto `to` (both must be open), closing what was at `to`. */
  renumber(from: number, to: number): Errno {
    const source = this.entries[from];
    const target = this.entries[to];
    if (source === undefined || target === undefined) return Errno.BADF;
    if (from === to) return Errno.SUCCESS;
    this.dropListing(target);
    target.retire();
    target.close();
    this.entries[to] = source;
    this.removeSlot(from);
    return Errno.SUCCESS;
  }

  /**
   * Closes every fd and empties the table. Runs once, when a command ends (cold code): an index loop, no iterator.
   * Every fd goes at once, so none is retired as `remove` does it: no fd stays open to name a closed one, so no
   * description is frozen into `openedPath` (`describe()` was inlined here, a loop of string joins, and made this
   * one of the larger pieces of optimized code a sandbox runs). Links and listings are cut all the same.
   */
  closeAll(): void {
    const entries = this.entries;
    for (let fd = 0; fd < entries.length; fd++) {
      const e = entries[fd];
      if (e === undefined) continue;
      if (e.listing !== null) this.dropListing(e);
      e.openedFrom = null;
      e.close();
    }
    entries.length = 0;
    this.free.length = 0;
  }
}
