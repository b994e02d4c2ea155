import type { Errno } from '../abi/errno';
import type { Filetype } from '../abi/constants';

/**
 * The filesystem provider contract.
 *
 * Sandboxing is not the backend's job: the core's path walker (`walker.ts`) resolves every guest path one
 * component at a time, and a backend only ever sees a directory handle it produced itself plus a single name.
 * Every name has passed the core's one name check (`checkName` in names.ts): never empty, never `..`, no `/` or
 * NUL, at most NAME_MAX (255) bytes of valid UTF-8; it may be `.` (the directory itself) only where a method says
 * so. A backend never follows a symlink on its own: the walker reads links (`readlinkAt`) and resolves them
 * inside the sandbox. The only multi-component input is the optional fast paths' (`openDirPath`, `openPath`,
 * `openPathCreating`), whose protocol the core owns: it decides when they are tried (never across a mount point;
 * with CREATE or TRUNC only `openPathCreating`, which no wrapper forwards unasked), hands over only names that
 * pass the same check (`isPlainPath`), and takes any answer but SUCCESS as "walk it step by step".
 * docs/security.md, "What a backend sees", has the whole list.
 *
 * Every method returns an errno (0 on success) or, for byte counts, a non-negative count or a negated errno.
 * Methods never throw for anything a guest can cause; a host failure that has no better errno is EIO.
 * Results are written into caller-owned records (`FileStat`, `Ref`), so nothing is allocated per call.
 */
export type FsHandle = object;

/** A one-slot out parameter, reused by the caller across calls. */
export interface Ref<T> {
  value: T;
}

/** Metadata of a file, filled in by `stat`/`statAt`. Times are nanoseconds since the Unix epoch. */
export interface FileStat {
  dev: bigint;
  ino: bigint;
  filetype: Filetype;
  nlink: bigint;
  size: bigint;
  atim: bigint;
  mtim: bigint;
  ctim: bigint;
}

export function newFileStat(): FileStat {
  return { dev: 0n, ino: 0n, filetype: 0, nlink: 0n, size: 0n, atim: 0n, mtim: 0n, ctim: 0n };
}

/** One entry of a directory listing (without `.` and `..`, which the core adds). */
export interface DirEntry {
  name: string;
  ino: bigint;
  filetype: Filetype;
}

/** Open mode bits for `openAt`. Write-ish bits are only passed when the guest holds the matching rights. */
export const OpenFlags = {
  READ: 1,
  WRITE: 2,
  CREATE: 4,
  EXCL: 8,
  TRUNC: 16,
  /** Fail with ENOTDIR unless the name is a directory. */
  DIRECTORY: 32,
  APPEND: 64,
  DSYNC: 128,
  SYNC: 256,
  RSYNC: 512,
  NONBLOCK: 1024,
} as const;

/** What a backend can do; the core and the behaviour suite consult this instead of guessing. */
export interface FsCapabilities {
  /** Every mutation is refused with EROFS. */
  readonly readOnly: boolean;
  /** Symlinks can be created (`symlinkAt`). */
  readonly symlinks: boolean;
  /** Hard links can be created (`linkAt`). */
  readonly hardLinks: boolean;
  /** Finest timestamp step the backend stores, in ns (1 = exact). */
  readonly timestampResolutionNs: bigint;
}

export interface FileSystem {
  readonly capabilities: FsCapabilities;

  /** A handle on the root directory. Errors: EIO, ENOENT (the root is gone), ENOTDIR. */
  openRoot(out: Ref<FsHandle | null>): Errno;

  // ---- name-relative operations (dir: a directory handle from this backend) ----

  /** lstat: metadata of `name` in `dir`, never following a symlink. `name` may be `.`. ENOENT, ENOTDIR, EACCES, EIO. */
  statAt(dir: FsHandle, name: string, out: FileStat): Errno;

  /**
   * Opens `name` in `dir` (`.` allowed: the directory itself). Never follows a symlink at `name`: an existing
   * symlink gives ELOOP (EEXIST with CREATE|EXCL), and the walker decides whether to follow it.
   * Errors: ENOENT, EEXIST (CREATE|EXCL), EISDIR (write access or TRUNC on a directory), ENOTDIR (DIRECTORY
   * asked and not a directory), ELOOP, EACCES, EMFILE/ENFILE, ENOSPC, EROFS, EIO.
   */
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno;

  /**
   * Fast path (optional): descend from `dir` through `names[0..count)`, each one passing `checkName` and none of
   * them `.` or `..` (the core checks before it calls), returning a directory
   * handle, but only when the backend can vouch that every step was a real directory and no symlink was crossed.
   * Returns DECLINED when it cannot vouch (a symlink, a race, any error): the walker then walks one component
   * at a time and finds the right errno itself. The returned handle must be closed with `close`.
   */
  openDirPath?(dir: FsHandle, names: readonly string[], count: number, out: Ref<FsHandle | null>): number;

  /**
   * Fast path (optional) for `path_open` without CREATE or TRUNC: open the file reached by `path` from `dir` in
   * one step. `path` is plain names joined by single slashes (the core guarantees, by `isPlainPath`: no empty, `.`
   * or `..` component, none over NAME_MAX, no leading or trailing slash, no NUL), with `flags` as `openAt` takes
   * them (never CREATE or TRUNC), but only when the backend can
   * vouch that no symlink was crossed anywhere, the last name included. Returns DECLINED otherwise (including on
   * every error): the walker then resolves step by step and finds the right errno. Nothing may be created,
   * truncated or read outside the sandbox before the backend has vouched.
   */
  openPath?(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number;

  /**
   * Fast path (optional) for `path_open` *with* CREATE or TRUNC (never DIRECTORY): as `openPath`, same `path` and
   * `flags` rules and the same DECLINED protocol, for an open that may create or truncate the file it reaches.
   * Only a backend whose refusal comes *before* the change may offer it: every symlink on the way (the last name
   * included) and every escape must be refused before anything is created or truncated (fs-node's native path:
   * openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS and O_NOFOLLOW, checked by the kernel during the lookup; a
   * check after the fact, like the JavaScript path's read-back, cannot offer it). Any error declines, and the walker
   * finds the errno step by step. Once CREATE|EXCL has created the file it must answer SUCCESS (the walker's
   * retry would say EEXIST); a decline after a plain CREATE or TRUNC took effect is harmless (the retry reaches the
   * same file and does the same again), but not expected.
   *
   * It is a separate method so that no layer passes it on unawares: `ForwardingFileSystem` never forwards it, so a
   * layer that changes what opens do (read-only, overlay, fault injection, quotas, tracing) sees every create and
   * truncate in its own `openAt`; a layer that changes nothing about opens may offer it explicitly.
   */
  openPathCreating?(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number;

  /**
   * Optional: re-checks a directory handle the guest has held for a while, before a walk starts from it (the
   * host may have moved it since it was opened). Handles the walker opens for one call are not re-checked.
   * ENOTCAPABLE when it is no longer inside the sandbox; EBADF when it is not a live directory handle.
   */
  revalidate?(dir: FsHandle): Errno;

  /** Target of the symlink `name`. EINVAL if not a symlink; ENOENT; EIO. */
  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno;

  /** EEXIST (including an existing symlink, even dangling), ENOENT, ENOSPC, EROFS, EIO. */
  mkdirAt(dir: FsHandle, name: string): Errno;

  /** Creates symlink `name` with the given target text (not interpreted). EEXIST, ENOENT, EROFS, ENOTSUP. */
  symlinkAt(target: string, dir: FsHandle, name: string): Errno;

  /** Removes a non-directory. EISDIR for a directory (as Linux and wasmtime), ENOENT, EROFS, EACCES. */
  unlinkAt(dir: FsHandle, name: string): Errno;

  /** Removes an empty directory. ENOTEMPTY, ENOTDIR (a non-directory or a symlink), ENOENT, EBUSY, EROFS. */
  rmdirAt(dir: FsHandle, name: string): Errno;

  /**
   * Optional: whether `renameAt` and `linkAt` of this backend accept, as `newDir`, a directory handle of the
   * different backend `other`, because both are views of one underlying filesystem (two host directories given
   * as two preopens or mounts). The core asks only when the two backends differ; without it they are EXDEV.
   * The backend still answers EXDEV itself where the host says the two are different devices.
   */
  acceptsTargetOf?(other: FileSystem): boolean;

  /**
   * Atomically renames; POSIX rules: a file over a file, a directory over an empty directory (ENOTEMPTY
   * otherwise), EISDIR file-over-directory, ENOTDIR directory-over-file, EINVAL directory into its own subtree,
   * EXDEV across backends (the core checks that, see `acceptsTargetOf`) or host devices, ENOENT, EROFS.
   */
  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno;

  /** Hard link (the source is not followed). EEXIST, ENOENT, EPERM (a directory), EMLINK, ENOTSUP, EROFS. */
  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno;

  /**
   * Sets times of `name` (not followed; `.` allowed). `null` leaves a time unchanged. The core resolves the
   * NOW flags against the injected clock, so a backend never reads the time itself. ENOENT, EROFS, EIO.
   */
  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno;

  // ---- handle operations ----

  /** The filetype of an open handle, known since it was opened (no I/O). */
  typeOf(h: FsHandle): Filetype;
  /** Releases the handle; never fails as far as the guest is concerned. */
  close(h: FsHandle): void;
  /** fstat. EIO. */
  stat(h: FsHandle, out: FileStat): Errno;
  /** Reads up to `len` bytes at `position` into `buf[off..]`. Returns bytes read (0 at EOF) or -errno (EISDIR, EIO). */
  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number;
  /**
   * Writes `buf[off..off+len)` at `position`, or at the end of the file when `position` is -1 (append).
   * Returns bytes written or -errno (ENOSPC, EFBIG, EROFS, EIO).
   */
  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number;
  /**
   * Optional vectored read (preadv), one host call for a whole iovec array, straight into guest memory: `mem` is
   * the guest's memory and `iovs` the byte offset in it of `count` iovecs (1 <= count <= IOV_MAX) in the wasm32
   * layout, 8 bytes each: buffer offset u32, length u32, little-endian. The core itself calls it only for two or
   * more iovecs (one, libc's `read`, is a `read` of the buffer it names); a layer forwarding a call may be given
   * a single one, which must work as `read`. The core has checked the array and every
   * buffer it names against `mem`, and calls only when their total length is > 0. A backend reads the array
   * before any I/O (so a read into the array itself changes nothing), never touches `mem` outside the checked
   * ranges (EFAULT if it re-checks and finds one) and never keeps `mem`. Fills the buffers in order from
   * `position`; returns bytes read (short at EOF, 0 past it) or -errno, as `read`. Without it the core calls `read`
   * once per non-empty iovec (`readByParts`), which is also what a layer must fall back to when its inner
   * backend lacks it.
   */
  readv?(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number;
  /**
   * Optional vectored write (pwritev), the gather counterpart of `readv` with the same iovec rules, at `position`
   * or appended when it is -1 (as `write`). Returns bytes written (a short count only as `write` may give one) or
   * -errno, as `write`. Without it the core calls `write` once per non-empty iovec (`writeByParts`).
   */
  writev?(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number;
  /** Sets the size, zero-filling growth. EFBIG, EINVAL, EROFS, EIO. */
  truncate(h: FsHandle, size: number): Errno;
  /** Sets times (`null` = unchanged). EROFS, EIO. */
  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno;
  /** fsync / fdatasync. EIO. */
  sync(h: FsHandle, dataOnly: boolean): Errno;
  /** Ensures [offset, offset+len) is allocated (grows the file if needed). ENOSPC, EFBIG, EROFS. */
  allocate(h: FsHandle, offset: number, len: number): Errno;
  /**
   * Lists a directory handle into `out` (cleared first), without `.` and `..`, in a stable order for as long as
   * the directory is unchanged. ENOTDIR, EIO.
   */
  readdir(h: FsHandle, out: DirEntry[]): Errno;
}

/** Returned by `openDirPath` when the backend cannot vouch for the fast path. */
export const DECLINED = -1;

/**
 * Most iovecs one `readv`/`writev` call is given (Linux's IOV_MAX, which preadv/pwritev refuse beyond): the core
 * transfers a longer array one iovec at a time.
 */
export const IOV_MAX = 1024;

/** Size of one wasm32 iovec: buffer offset u32, length u32. */
const IOVEC_SIZE = 8;

/** The little-endian u32 at `at` in `mem`. */
function u32(mem: Uint8Array, at: number): number {
  return (mem[at] | (mem[at + 1] << 8) | (mem[at + 2] << 16) | (mem[at + 3] << 24)) >>> 0;
}

/**
 * `readv` through `read`: one call per non-empty iovec, from `position` on, stopping at the first short read (the
 * end of the file) or error (an error after some bytes were read gives those bytes, as readv). The core's path
 * for backends without `readv`, and a layer's when its inner backend has none. Same arguments as `readv`.
 */
export function readByParts(fs: FileSystem, h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
  // The array is read before the transfer, as readv does: if a buffer overlaps it, a copy is walked instead (the
  // only allocation, for a guest that reads into its own iovecs).
  let list = mem;
  if (fillsOwnArray(mem, iovs, count)) {
    list = mem.slice(iovs, iovs + count * IOVEC_SIZE);
    iovs = 0;
  }
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    const len = u32(list, at + 4);
    if (len === 0) continue;
    const n = fs.read(h, mem, u32(list, at), len, position + total);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < len) break;
  }
  return total;
}

/** Whether a non-empty buffer of the iovec array at `iovs` overlaps the array itself. */
function fillsOwnArray(mem: Uint8Array, iovs: number, count: number): boolean {
  const end = iovs + count * IOVEC_SIZE;
  for (let at = iovs; at < end; at += IOVEC_SIZE) {
    const buf = u32(mem, at);
    const len = u32(mem, at + 4);
    if (len !== 0 && buf < end && buf + len > iovs) return true;
  }
  return false;
}

/** `writev` through `write`, as `readByParts`; a `position` of -1 appends every part. */
export function writeByParts(fs: FileSystem, h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const at = iovs + i * IOVEC_SIZE;
    const len = u32(mem, at + 4);
    if (len === 0) continue;
    const n = fs.write(h, mem, u32(mem, at), len, position < 0 ? -1 : position + total);
    if (n < 0) return total > 0 ? total : n;
    total += n;
    if (n < len) break;
  }
  return total;
}
