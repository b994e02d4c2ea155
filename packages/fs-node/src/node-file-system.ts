import * as fs from 'node:fs';
import { checkName, linkTargetMayLeave } from '@vos/core'; // the one name check (walker and backends alike), the link rule
import {
  DECLINED,
  Errno,
  Filetype,
  errnoFromHostError,
  OpenFlags,
  type DirEntry,
  type FileStat,
  type FileSystem,
  type FsCapabilities,
  type FsHandle,
  type Ref,
  newFileStat,
} from '@vos/core';
import { joinHostPath, NodeDirHandle, NodeFileHandle, NodeHandle } from './handles';
import { fillFileStat, filetypeFromMode, nsToSeconds } from './host-stat';
import { chooseNative, errnoOf, probeNative } from './native';
import { NativeHost } from './native-host';
import { ExactTimes } from './exact-times';

const {
  O_RDONLY, O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECTORY, O_NOFOLLOW, O_DSYNC, O_SYNC,
  O_NONBLOCK, S_IFMT, S_IFLNK,
} = fs.constants;

/** How every directory is opened: never through a symlink at the last component. */
const DIR_OPEN = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;
/** Re-opening a directory through its own magic link (which must be followed, so no O_NOFOLLOW). */
const DIR_REOPEN = O_RDONLY | O_DIRECTORY;
const PROC_FD = '/proc/self/fd/';
const BIGINT = { bigint: true } as const;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** A directory whose ctime is older than this (ns) cannot change without its ctime changing. */
const LISTING_SETTLE_NS = 50_000_000n;
/** Directory listings kept for reuse, per filesystem (oldest dropped first). */
const MAX_CACHED_LISTINGS = 64;

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND, DSYNC, SYNC, RSYNC, NONBLOCK } = OpenFlags;

const CAPABILITIES: FsCapabilities = Object.freeze({
  readOnly: false,
  symlinks: true,
  hardLinks: true,
  // Exact on both paths: utimensat on the native one; on the JavaScript one, Node stores µs (see `nsToSeconds`)
  // and `ExactTimes` reports the exact value while the host still holds the stored one.
  timestampResolutionNs: 1n,
});

export interface NodeFileSystemOptions {
  /**
   * Use `/proc/self/fd/<n>/<name>` for name-relative operations (default: whenever it works). `false` forces
   * the path-based fallback; it exists so tests can exercise that mode on Linux.
   */
  readonly useProcFd?: boolean;
  /**
   * The native accelerator (openat2 and friends through the addon built at install): `true` requires it (an
   * Error if it is missing), `false` forces the pure-JavaScript path. Default: the environment variable
   * `VOS_FS_NODE_NATIVE` (`0` or `1`, same meanings), else the accelerator whenever it is built and the kernel
   * has openat2. `accelerator` tells which path an instance took.
   */
  readonly native?: boolean;
  /**
   * Let the guest create symlinks whose targets could point outside this directory (default false). Such a
   * link is harmless to the guest (the walker never follows it out) but not to the host's own users and tools,
   * which would: by default creating one is EPERM (`linkTargetMayLeave` in `@vos/core`: no `..` in a link in
   * the root, at most one leading `..` in a subdirectory, none after a name, so no later rename of a directory
   * can take it out), and so is moving or linking a symlink to where its target would point outside. Absolute
   * targets are refused by the core (ENOTCAPABLE) either way.
   */
  readonly allowOutsideSymlinks?: boolean;
}

/** Which path a `NodeFileSystem` takes: the native accelerator, or pure JavaScript over `node:fs`. */
export type NodeFsAccelerator = 'native' | 'js';

/**
 * Whether the native accelerator is available in this process, and why (or why not). Loads the addon the first
 * time it is asked.
 */
export function nativeAcceleratorStatus(): { available: boolean; reason: string } {
  const { binding, reason } = probeNative();
  return { available: binding !== null, reason };
}

/**
 * In words, the path a `NodeFileSystem` made now with default options takes (what `vos run --trace-summary`
 * prints): the environment switch first, without loading the addon when it forces the JavaScript path.
 */
export function describeNodeFsPath(): string {
  if (process.env.VOS_FS_NODE_NATIVE === '0') return 'pure-JavaScript path (VOS_FS_NODE_NATIVE=0)';
  const { available, reason } = nativeAcceleratorStatus();
  return available
    ? 'native accelerator (openat2 RESOLVE_BENEATH: the kernel refuses escapes)'
    : `pure-JavaScript path (native accelerator unavailable: ${reason})`;
}

/**
 * A host directory as a vos `FileSystem`, using only synchronous `node:fs` calls.
 *
 * Containment. Node has no `openat`, so on Linux we emulate it: a directory handle is an open host fd, and a
 * name-relative operation uses the path `/proc/self/fd/<dirfd>/<name>`. The kernel resolves `<name>` inside that
 * very directory inode, wherever the host has moved it, and never follows a symlink at `<name>` (O_NOFOLLOW,
 * lstat, lutimes, and rename/unlink/rmdir/mkdir/symlink/link, which never follow their last component). Names
 * come from the core's walker, which has already split the guest path and resolved every symlink inside the
 * sandbox; `checkName` still refuses `..` and `/` so a slip there cannot reach the host.
 *
 * Fallback (no usable `/proc/self/fd`, i.e. not Linux): names are appended to the handle's expected host path
 * instead. That is racy against a host that swaps a directory of the tree for a symlink *during* a call (the
 * kernel would follow it); the walker still refuses every symlink escape the guest can express, and the last
 * component is still never followed. `openDirPath` always declines in this mode since nothing can be vouched
 * for. The mode is decided once, in the constructor, by checking that `/proc/self/fd/<fd>` of the opened root
 * reads back as the root's path.
 *
 * A directory handle that the host renames elsewhere (even outside the root) keeps referring to the moved
 * directory, exactly like an `openat` dirfd; re-validating handles is the core's business.
 */
export class NodeFileSystem implements FileSystem {
  readonly capabilities: FsCapabilities = CAPABILITIES;
  /** Canonical host path of the root, taken once at construction; null when it could not be resolved. */
  readonly rootPath: string | null;
  /** Whether name-relative operations go through `/proc/self/fd` (see the class comment). */
  readonly usesProcFd: boolean;
  /**
   * `native`: every name-relative operation is one `*at` syscall on the directory fd through the addon, and the
   * kernel refuses (openat2 RESOLVE_BENEATH) any resolution that would leave the directory. `js`: `node:fs` over
   * `/proc/self/fd` paths (see the class comment). Chosen once, at construction (see `NodeFileSystemOptions`).
   */
  readonly accelerator: NodeFsAccelerator;
  private readonly rootErrno: Errno;
  /** The native path, or null on the JavaScript path. */
  private readonly nat: NativeHost | null;
  /** JavaScript path only: exact times the host stored truncated to µs. */
  private readonly exactTimes = new ExactTimes();
  /** Bumped by every operation that can change a directory's entries (invalidates cached listings). */
  private generation = 0;
  private readonly allowOutsideSymlinks: boolean;
  private readonly listings = new Map<string, { generation: number; ctimeNs: bigint; entries: DirEntry[] }>();
  /**
   * The one-step open for opens that create or truncate (see the contract): on the native path only, where the
   * kernel refuses links and escapes during the lookup, before O_CREAT or O_TRUNC take effect. The JavaScript
   * path cannot offer it: its read-back proves where an open landed only after the open has happened.
   */
  readonly openPathCreating?: (dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>) => number;

  constructor(hostPath: string, options: NodeFileSystemOptions = {}) {
    let root: string | null = null;
    let rootErrno: Errno = Errno.SUCCESS;
    let usesProcFd = false;
    // The `/proc/self/fd` check, tried first on the path as given, also proves it canonical when it reads back
    // unchanged (see `procFdWorks`): then resolving it again would only repeat a host's own `realpath` (@vos/wasi
    // resolves each preopen before it gets here), one lstat per component. Any other outcome (relative, through
    // a symlink, missing, not a directory, no /proc) takes the resolving path, exactly as before.
    if (options.useProcFd !== false && procFdWorks(hostPath)) {
      root = hostPath;
      usesProcFd = true;
    } else {
      try {
        root = fs.realpathSync(hostPath);
      } catch (err) {
        rootErrno = errnoFromHostError(err);
      }
      usesProcFd = root !== null && options.useProcFd !== false && procFdWorks(root);
    }
    this.rootPath = root;
    this.rootErrno = rootErrno;
    this.usesProcFd = usesProcFd;
    const binding = chooseNative(options.native);
    this.nat = binding === null ? null : new NativeHost(binding);
    this.accelerator = this.nat === null ? 'js' : 'native';
    if (this.nat !== null) this.openPathCreating = this.openPathCreatingNative;
    this.allowOutsideSymlinks = options.allowOutsideSymlinks === true;
  }

  /** ENOENT/ENOTDIR/EACCES when the root cannot be opened (the errno of resolving it at construction first). */
  openRoot(out: Ref<FsHandle | null>): Errno {
    if (this.rootPath === null) return this.rootErrno;
    try {
      out.value = this.newDir(fs.openSync(this.rootPath, DIR_OPEN), this.rootPath);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  // ---- name-relative operations ----

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const d = dir as NodeDirHandle;
    if (this.nat !== null) return this.nat.statAt(d.fd, name, out);
    try {
      fillFileStat(name === '.' ? fs.fstatSync(d.fd, BIGINT) : fs.lstatSync(d.base + name, BIGINT), out);
      this.exactTimes.apply(out);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * DIRECTORY with CREATE is EINVAL (as wasmtime: a directory cannot be created by open; Linux itself refuses
   * O_CREAT|O_DIRECTORY since 6.4 and silently made a file before). A directory opened without DIRECTORY still
   * yields a directory handle. NONBLOCK is passed on only when asked: opening a host fifo blocks, as in wasmtime.
   */
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    if (flags & CREATE) this.generation++;
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const d = dir as NodeDirHandle;
    if (flags & DIRECTORY && flags & CREATE) return Errno.INVAL;
    if (name === '.') return this.reopenDir(d, flags, out);

    const hostFlags = hostOpenFlags(flags);
    if (this.nat !== null) return this.nativeOpen(d, name, flags, hostFlags, out);

    let fd: number;
    try {
      fd = fs.openSync(d.base + name, hostFlags, 0o666);
    } catch (err) {
      return this.openErrno(d, name, err);
    }
    return this.adopt(fd, flags, joinHostPath(d.path, name), out);
  }

  /**
   * openAt on the native path: one openat2 (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS, and
   * O_NOFOLLOW) plus the fstat that tells the handle's kind, in one crossing. `name` may be several components
   * only for `openPath` and `openPathCreating`, which pass `exactErrno` false: they decline on any error, and an
   * fstatat of a path of several components (to tell ELOOP from ENOTDIR) could cross a link the host swapped in.
   */
  private nativeOpen(
    d: NodeDirHandle, name: string, flags: number, hostFlags: number, out: Ref<FsHandle | null>, exactErrno = true,
  ): Errno {
    const nat = this.nat as NativeHost;
    const knownType = (flags & DIRECTORY) !== 0 || (flags & CREATE && flags & EXCL) !== 0;
    const fd = nat.open(d.fd, name, hostFlags, !knownType);
    if (fd < 0) {
      const errno = errnoOf(fd);
      // O_NOFOLLOW|O_DIRECTORY on a symlink is ENOTDIR on Linux; the contract wants ELOOP for any symlink.
      return exactErrno && errno === Errno.NOTDIR && nat.isSymlinkAt(d.fd, name) ? Errno.LOOP : errno;
    }
    const type = flags & DIRECTORY ? Filetype.DIRECTORY : knownType ? Filetype.REGULAR_FILE : filetypeFromMode(nat.lastMode);
    out.value = type === Filetype.DIRECTORY ? this.newDir(fd, joinHostPath(d.path, name)) : new NodeFileHandle(this, fd, (flags & APPEND) !== 0, type);
    return Errno.SUCCESS;
  }

  /** Wraps a freshly opened host fd as a handle of the right kind (one fstat unless DIRECTORY was asked). */
  private adopt(fd: number, flags: number, path: string, out: Ref<FsHandle | null>): Errno {
    let type = Filetype.DIRECTORY as number;
    // O_CREAT|O_EXCL succeeded: we just made a regular file (it fails on anything that existed, links included).
    if (flags & CREATE && flags & EXCL) type = Filetype.REGULAR_FILE;
    else if (!(flags & DIRECTORY)) {
      try {
        type = filetypeFromMode(fs.fstatSync(fd).mode);
      } catch (err) {
        closeQuietly(fd);
        return errnoFromHostError(err);
      }
    }
    out.value = type === Filetype.DIRECTORY ? this.newDir(fd, path) : new NodeFileHandle(this, fd, (flags & APPEND) !== 0, type);
    return Errno.SUCCESS;
  }

  /**
   * One open of `<dir's canonical path>/<names...>` with O_NOFOLLOW, then `/proc/self/fd/<new>` must read back
   * as exactly that path: a canonical path contains no symlink, so equality proves no link was crossed (the last
   * name is not followed by O_NOFOLLOW) and the file is inside. Only for opens that create and truncate nothing
   * (the core guarantees it), so nothing outside can have been changed before the check; an opened outside file is
   * closed unread. Every error declines, and the walker finds the right errno step by step.
   */
  openPath(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number {
    if (!(dir instanceof NodeDirHandle) || dir.owner !== this || dir.fd < 0) return DECLINED;
    if (flags & (CREATE | TRUNC) || !PLAIN_PATH.test(path)) return DECLINED;
    if (this.nat !== null) {
      // The kernel vouches: RESOLVE_NO_SYMLINKS refuses any link on the way (the last name included), and
      // RESOLVE_BENEATH anything that would leave `dir`. Every error declines; the walker finds the errno.
      return this.nativeOpen(dir, path, flags, hostOpenFlags(flags), out, false) === Errno.SUCCESS ? Errno.SUCCESS : DECLINED;
    }
    if (!this.usesProcFd) return DECLINED;
    const expected = joinHostPath(dir.path, path);
    let fd = -1;
    try {
      fd = fs.openSync(expected, hostOpenFlags(flags), 0o666);
      if (fs.readlinkSync(PROC_FD + fd) !== expected) {
        closeQuietly(fd);
        return DECLINED;
      }
    } catch {
      if (fd >= 0) closeQuietly(fd);
      return DECLINED;
    }
    return this.adopt(fd, flags, expected, out) === Errno.SUCCESS ? Errno.SUCCESS : DECLINED;
  }

  /**
   * `openPathCreating` on the native path: one openat2 of the whole path with O_CREAT/O_TRUNC, RESOLVE_BENEATH |
   * RESOLVE_NO_SYMLINKS and O_NOFOLLOW. The kernel resolves every component first and fails (ELOOP, EXDEV, ENOENT,
   * ENOTDIR...) before creating or truncating anything, so a refusal changed nothing and declines: the walker then
   * resolves step by step (following links inside the sandbox where the guest asked) and finds the errno. Once
   * openat2 has succeeded nothing else can fail for CREATE|EXCL (the type is known, no fstat), so an exclusive
   * create is never declined after it happened; without EXCL the fstat in the same crossing could in principle
   * fail after the open, and then the walker's retry opens (and truncates) the same file again, to the same effect.
   */
  private openPathCreatingNative(dir: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number {
    if (!(dir instanceof NodeDirHandle) || dir.owner !== this || dir.fd < 0) return DECLINED;
    if (flags & DIRECTORY || !PLAIN_PATH.test(path)) return DECLINED;
    if (flags & CREATE) this.generation++;
    return this.nativeOpen(dir, path, flags, hostOpenFlags(flags), out, false) === Errno.SUCCESS ? Errno.SUCCESS : DECLINED;
  }

  typeOf(h: FsHandle): Filetype {
    return (h as NodeHandle).filetype as Filetype;
  }

  /**
   * A directory the host moved out of the root after the guest opened it would otherwise stay reachable through
   * the fd (an `openat` dirfd follows its inode): before a walk starts from a non-root directory handle, check
   * where the kernel says it is now, and fail closed with ENOTCAPABLE. The root is the capability the host
   * granted, wherever it is. Handles opened during one walk are fresh and not re-checked.
   */
  revalidate(h: FsHandle): Errno {
    const bad = this.dirErrno(h);
    if (bad) return bad;
    const d = h as NodeDirHandle;
    if (!this.usesProcFd || d.path === this.rootPath) return Errno.SUCCESS;
    let now: string;
    try {
      now = fs.readlinkSync(PROC_FD + d.fd);
    } catch (err) {
      return errnoFromHostError(err);
    }
    return now === d.path ? Errno.SUCCESS : isInside(now, this.rootPath as string) ? Errno.SUCCESS : Errno.NOTCAPABLE;
  }

  /**
   * One open of `<dir>/<names...>` (O_DIRECTORY|O_NOFOLLOW) resolved from the directory inode itself, then
   * `/proc/self/fd/<new>` must read back exactly as `<dir's expected path>/<names...>`. A canonical path never
   * contains a symlink, so equality proves that no symlink was crossed, that `dir` is still where we think it
   * is, and that the result lies inside the root. Anything else (including every error) declines, and the
   * walker takes the slow path and finds the right errno itself.
   */
  openDirPath(dir: FsHandle, names: readonly string[], count: number, out: Ref<FsHandle | null>): number {
    if (!(dir instanceof NodeDirHandle) || dir.owner !== this || dir.fd < 0) return DECLINED;
    if (!this.usesProcFd && this.nat === null) return DECLINED;
    if (count > names.length) return DECLINED;
    let relative = '';
    let expected = dir.path;
    for (let i = 0; i < count; i++) {
      const name = names[i];
      if (name === '.' || checkName(name) !== Errno.SUCCESS) return DECLINED;
      relative = i === 0 ? name : relative + '/' + name;
      expected = joinHostPath(expected, name);
    }
    if (this.nat !== null) {
      // Re-opening the handle itself vouches for nothing unless the handle is still where it was opened (or at
      // least inside the root): the same check as `revalidate`.
      if (count === 0 && this.revalidate(dir) !== Errno.SUCCESS) return DECLINED;
      // One openat2 from the directory inode; the kernel refuses links and escapes (see `openPath`).
      const fd = this.nat.open(dir.fd, count === 0 ? '.' : relative, DIR_OPEN, false);
      if (fd < 0) return DECLINED;
      out.value = this.newDir(fd, expected);
      return Errno.SUCCESS;
    }
    let fd = -1;
    try {
      // Through the canonical path, not /proc/self/fd/<dir>/...: the kernel walks it twice as fast, and the
      // read-back check below proves the result all the same.
      fd = count === 0 ? fs.openSync(PROC_FD + dir.fd, DIR_REOPEN) : fs.openSync(expected, DIR_OPEN);
      if (fs.readlinkSync(PROC_FD + fd) !== expected) {
        closeQuietly(fd);
        return DECLINED;
      }
    } catch {
      if (fd >= 0) closeQuietly(fd);
      return DECLINED;
    }
    out.value = this.newDir(fd, expected);
    return Errno.SUCCESS;
  }

  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (name === '.') return Errno.INVAL; // a directory is not a symlink
    if (this.nat !== null) return this.nat.readlinkAt((dir as NodeDirHandle).fd, name, out);
    try {
      out.value = fs.readlinkSync((dir as NodeDirHandle).base + name);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /** `.` always exists: EEXIST, and the root is never touched. */
  mkdirAt(dir: FsHandle, name: string): Errno {
    this.generation++;
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (name === '.') return Errno.EXIST;
    if (this.nat !== null) return this.nat.mkdirAt((dir as NodeDirHandle).fd, name);
    try {
      fs.mkdirSync((dir as NodeDirHandle).base + name, 0o777);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /** The target is stored as given; a NUL in it cannot be stored on a host (EINVAL). `.` exists: EEXIST. */
  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    this.generation++;
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (name === '.') return Errno.EXIST;
    if (target.includes('\0')) return Errno.INVAL;
    if (!this.allowOutsideSymlinks && linkTargetMayLeave(target, (dir as NodeDirHandle).path === this.rootPath)) return Errno.PERM;
    if (this.nat !== null) return this.nat.symlinkAt(target, (dir as NodeDirHandle).fd, name);
    try {
      fs.symlinkSync(target, (dir as NodeDirHandle).base + name);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /** `.` is a directory: EISDIR (Linux unlink(2) gives EISDIR for any directory too). */
  unlinkAt(dir: FsHandle, name: string): Errno {
    return this.removeAt(dir, name, Errno.ISDIR, false);
  }

  /** `.` is EINVAL, as rmdir(2) of a path ending in `.`; this also keeps the preopened root undeletable. */
  rmdirAt(dir: FsHandle, name: string): Errno {
    return this.removeAt(dir, name, Errno.INVAL, true);
  }

  /**
   * unlink(2) or rmdir(2) of one name; `.` answers `dotErrno` (never the directory itself: the preopened root
   * stays undeletable).
   */
  private removeAt(dir: FsHandle, name: string, dotErrno: Errno, directory: boolean): Errno {
    this.generation++;
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    if (name === '.') return dotErrno;
    if (this.nat !== null) return this.nat.removeAt((dir as NodeDirHandle).fd, name, directory);
    try {
      const path = (dir as NodeDirHandle).base + name;
      if (directory) fs.rmdirSync(path);
      else fs.unlinkSync(path);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * rename(2) on the two magic paths has exactly the contract's POSIX rules. EXDEV cannot come from two
   * directories of one tree unless the host mounted something inside it, in which case EXDEV is the truth.
   */
  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    const dot = oldName === '.' || newName === '.' ? Errno.INVAL : Errno.SUCCESS;
    return this.twoNames(oldDir, oldName, newDir, newName, dot, fs.renameSync, false);
  }

  /** link(2) on Linux never follows a symlink source. `.` as source is a directory (EPERM); as target, EEXIST. */
  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    const dot = oldName === '.' ? Errno.PERM : newName === '.' ? Errno.EXIST : Errno.SUCCESS;
    return this.twoNames(oldDir, oldName, newDir, newName, dot, fs.linkSync, true);
  }

  /**
   * Any other host directory backend: both name host paths, so rename(2)/link(2) between them is the host's to
   * allow, and the host answers EXDEV itself when the two are on different devices or mounts.
   */
  acceptsTargetOf(other: FileSystem): boolean {
    return other instanceof NodeFileSystem;
  }

  /**
   * rename(2) or link(2) between two names: handle and name checks first, then `dotErrno` (what a `.` on either
   * side answers, SUCCESS if none), then the host call on the two magic paths.
   */
  private twoNames(
    oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string, dotErrno: Errno,
    call: (from: string, to: string) => void, link: boolean,
  ): Errno {
    this.generation++;
    const bad = this.dirErrno(oldDir) || checkName(oldName) || peerDirErrno(newDir) || checkName(newName);
    if (bad) return bad;
    if (dotErrno !== Errno.SUCCESS) return dotErrno;
    // A symlink moved or linked higher up the tree could point outside from there (one that already did, the
    // host planted: moving it adds nothing).
    if (!this.allowOutsideSymlinks && newDir instanceof NodeDirHandle && newDir.owner instanceof NodeFileSystem) {
      const bad2 = this.symlinkWouldLeave(oldDir as NodeDirHandle, oldName, newDir, newDir.owner);
      if (bad2 !== Errno.SUCCESS) return bad2;
    }
    if (this.nat !== null) {
      const from = (oldDir as NodeDirHandle).fd;
      const to = (newDir as NodeDirHandle).fd;
      return link ? this.nat.linkAt(from, oldName, to, newName) : this.nat.renameAt(from, oldName, to, newName);
    }
    try {
      call((oldDir as NodeDirHandle).base + oldName, (newDir as NodeDirHandle).base + newName);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /** EPERM when `oldName` in `oldDir` is a symlink that would point outside from `newDir` (and did not before). */
  private symlinkWouldLeave(oldDir: NodeDirHandle, oldName: string, newDir: NodeDirHandle, newOwner: NodeFileSystem): Errno {
    // readlinkAt works on both paths (native and JS); not a symlink (EINVAL), missing and the like: the rename
    // or link itself answers.
    const link: Ref<string> = { value: '' };
    if (this.readlinkAt(oldDir, oldName, link) !== Errno.SUCCESS) return Errno.SUCCESS;
    const target = link.value;
    return newOwner.pointsOutside(target, newDir) && !this.pointsOutside(target, oldDir) ? Errno.PERM : Errno.SUCCESS;
  }

  /**
   * Whether a symlink in `dir` with this target leads outside the root from there: absolute, climbing (`..`)
   * above the root from where `dir` is, or climbing after a name (`a/..`: if `a` is, or later becomes, a link,
   * `..` climbs from wherever it points). Judged on the text, as the host's tools will read it. Used when a link
   * is moved or linked (one the host planted may climb further than a guest's may); a new link is judged by the
   * stricter `linkTargetMayLeave`, which also holds after any later rename of a directory above it.
   */
  private pointsOutside(target: string, dir: NodeDirHandle): boolean {
    if (target.charCodeAt(0) === 0x2f) return true;
    if (!target.includes('..')) return false;
    const root = this.rootPath as string;
    let depth = 0;
    if (dir.path !== root) {
      const below = dir.path.slice(root === '/' ? 1 : root.length + 1);
      depth = below.split('/').length;
    }
    let named = false;
    for (const c of target.split('/')) {
      if (c === '' || c === '.') continue;
      if (c !== '..') named = true;
      else if (named || --depth < 0) return true;
    }
    return false;
  }

  /**
   * Not followed. Native path: utimensat(AT_SYMLINK_NOFOLLOW) with ns and UTIME_OMIT, exact on the host. JS path:
   * lutimes (µs, both times written), with the exact values kept in `exactTimes`; see `setTimesJs`.
   */
  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    const bad = this.dirErrno(dir) || checkName(name);
    if (bad) return bad;
    const d = dir as NodeDirHandle;
    if (this.nat !== null) return this.nat.setTimes(d.fd, name === '.' ? null : name, atim, mtim);
    if (name === '.') return this.setTimesJs(d.fd, null, atim, mtim);
    return this.setTimesJs(-1, d.base + name, atim, mtim);
  }

  /**
   * The JavaScript path's utimes, of an fd (`path` null) or of a path (not followed). Node writes both times, as
   * µs: a `null` time is the one the guest sees now (exact, through `exactTimes`) written back. Afterwards the
   * inode is stat'ed again and the exact values are remembered against what the host stored. Both `null`: only
   * the existence check.
   */
  private setTimesJs(fd: number, path: string | null, atim: bigint | null, mtim: bigint | null): Errno {
    try {
      const st = newFileStat();
      fillFileStat(path === null ? fs.fstatSync(fd, BIGINT) : fs.lstatSync(path, BIGINT), st);
      if (atim === null && mtim === null) return Errno.SUCCESS;
      this.exactTimes.apply(st);
      const a = atim ?? st.atim;
      const m = mtim ?? st.mtim;
      if (path === null) fs.futimesSync(fd, nsToSeconds(a), nsToSeconds(m));
      else fs.lutimesSync(path, nsToSeconds(a), nsToSeconds(m));
      fillFileStat(path === null ? fs.fstatSync(fd, BIGINT) : fs.lstatSync(path, BIGINT), st);
      this.exactTimes.remember(st, a, m);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  // ---- handle operations ----

  /** Closes our fd exactly once; a second close, or a handle we did not make, is a no-op. */
  close(h: FsHandle): void {
    if (!(h instanceof NodeHandle) || h.owner !== this || h.fd < 0) return;
    const fd = h.fd;
    h.fd = -1;
    if (this.nat !== null) this.nat.close(fd);
    else closeQuietly(fd);
  }

  /** EBADF for a closed or foreign handle. */
  stat(h: FsHandle, out: FileStat): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    if (this.nat !== null) return this.nat.fstat((h as NodeHandle).fd, out);
    try {
      fillFileStat(fs.fstatSync((h as NodeHandle).fd, BIGINT), out);
      this.exactTimes.apply(out);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * pread straight into the caller's (guest) memory; a negative position reads at the fd's own offset. `read` and
   * `write` are the hot path of fd_read/fd_write (the core calls them for every single-iovec transfer) and are
   * kept small, the JavaScript path's try/catch out of line, so V8 can inline them into the syscall's optimised
   * function (docs/decisions.md, seq_io).
   */
  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    if (!(h instanceof NodeFileHandle) || h.owner !== this || h.fd < 0) return -this.notFileErrno(h);
    const nat = this.nat;
    return nat !== null ? nat.read(h.fd, buf, off, len, position < 0 ? -1 : position) : readJs(h.fd, buf, off, len, position);
  }

  /**
   * pwrite straight from the caller's (guest) memory. Position -1 appends: through O_APPEND when the file was
   * opened with APPEND (atomic), else at the current size (racy against other host writers; only reached if the
   * core turns append on after open, which Node cannot do with fcntl). Linux ignores an explicit position on an
   * O_APPEND fd and appends anyway, so the core must pass -1 for append handles.
   */
  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    if (!(h instanceof NodeFileHandle) || h.owner !== this || h.fd < 0) return -this.notFileErrno(h);
    if (position < 0 && !h.append && (position = this.endOf(h)) < 0) return position;
    const nat = this.nat;
    return nat !== null ? nat.write(h.fd, buf, off, len, position) : writeJs(h.fd, buf, off, len, position);
  }

  /**
   * preadv straight into guest memory. A single iovec (libc's `read`: nearly every call) is a plain `read`, the
   * cheapest call on both paths; several are one preadv(2) through the addon (which reads the array and checks
   * every buffer against `mem`: EFAULT) or, on the JavaScript path, one `fs.readvSync` over views of the buffers
   * (an array and a view per iovec: Node's readv takes nothing else).
   */
  readv(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
    if (count === 1) {
      const buf = iovU32(mem, iovs);
      const len = iovU32(mem, iovs + 4);
      return buf + len > mem.length ? -Errno.FAULT : this.read(h, mem, buf, len, position);
    }
    if (!(h instanceof NodeFileHandle) || h.owner !== this || h.fd < 0) return -this.notFileErrno(h);
    if (this.nat !== null) return this.nat.readv(h.fd, mem, iovs, count, position < 0 ? -1 : position);
    const views = iovViews(mem, iovs, count);
    if (views === null) return -Errno.FAULT;
    try {
      return fs.readvSync(h.fd, views, position < 0 ? undefined : position);
    } catch (err) {
      return -errnoFromHostError(err);
    }
  }

  /** pwritev straight from guest memory, as `readv` reads; position -1 appends, as `write`. */
  writev(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
    if (count === 1) {
      const buf = iovU32(mem, iovs);
      const len = iovU32(mem, iovs + 4);
      return buf + len > mem.length ? -Errno.FAULT : this.write(h, mem, buf, len, position);
    }
    if (!(h instanceof NodeFileHandle) || h.owner !== this || h.fd < 0) return -this.notFileErrno(h);
    if (position < 0 && !h.append && (position = this.endOf(h)) < 0) return position;
    if (this.nat !== null) return this.nat.writev(h.fd, mem, iovs, count, position);
    const views = iovViews(mem, iovs, count);
    if (views === null) return -Errno.FAULT;
    try {
      return fs.writevSync(h.fd, views, position < 0 ? undefined : position);
    } catch (err) {
      return -errnoFromHostError(err);
    }
  }

  /** Where position -1 writes on a handle without O_APPEND: the file's current size, or -errno. */
  private endOf(h: NodeFileHandle): number {
    if (this.nat !== null) {
      const size = this.nat.sizeOf(h.fd);
      return size < 0 ? -errnoOf(size) : size;
    }
    try {
      return fs.fstatSync(h.fd).size;
    } catch (err) {
      return -errnoFromHostError(err);
    }
  }

  /** EINVAL for a negative size (or a file not open for writing), EISDIR for a directory. */
  truncate(h: FsHandle, size: number): Errno {
    if (!(h instanceof NodeFileHandle) || h.owner !== this || h.fd < 0) return this.notFileErrno(h);
    if (size < 0) return Errno.INVAL;
    if (size > Number.MAX_SAFE_INTEGER) return Errno.FBIG;
    try {
      fs.ftruncateSync(h.fd, size);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    if (this.nat !== null) return this.nat.setTimes((h as NodeHandle).fd, null, atim, mtim);
    return this.setTimesJs((h as NodeHandle).fd, null, atim, mtim);
  }

  sync(h: FsHandle, dataOnly: boolean): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    try {
      if (dataOnly) fs.fdatasyncSync((h as NodeHandle).fd);
      else fs.fsyncSync((h as NodeHandle).fd);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * Node has no posix_fallocate: growing the file with ftruncate gives the same visible result (size and zero
   * bytes) without reserving blocks, so ENOSPC may come later, at write time. EINVAL for negative arguments.
   */
  allocate(h: FsHandle, offset: number, len: number): Errno {
    if (!(h instanceof NodeFileHandle) || h.owner !== this || h.fd < 0) return this.notFileErrno(h);
    if (offset < 0 || len < 0) return Errno.INVAL;
    const end = offset + len;
    if (end > Number.MAX_SAFE_INTEGER) return Errno.FBIG;
    try {
      if (end > fs.fstatSync(h.fd).size) fs.ftruncateSync(h.fd, end);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * Kernel order (stable while the directory is unchanged). One lstat per entry gives its ino and filetype at
   * the same instant; an entry removed between the listing and its lstat is skipped (it is gone). A name that
   * is not valid UTF-8 cannot be given to the guest: EILSEQ for the whole listing, as wasmtime.
   */
  /**
   * Lists a directory: names from one readdir, and an lstat per entry for its inode number and type (Node does
   * not expose d_ino). That lstat is most of the cost, so the last listing of each directory is kept and reused
   * while the directory provably has not changed: same ctime, no mutation through this filesystem since, and a
   * ctime old enough (`LISTING_SETTLE_NS`) that a change inside one timestamp tick cannot hide behind it (host
   * file times advance in coarse ticks). Anything else lists afresh.
   */
  readdir(h: FsHandle, out: DirEntry[]): Errno {
    const bad = this.dirErrno(h);
    if (bad) return bad;
    const d = h as NodeDirHandle;
    if (this.nat !== null) return this.nat.readdir(d.fd, out);
    out.length = 0;
    try {
      const dirStat = fs.fstatSync(d.fd, BIGINT);
      const key = `${dirStat.dev}:${dirStat.ino}`;
      const cached = this.listings.get(key);
      if (cached !== undefined && cached.generation === this.generation && cached.ctimeNs === dirStat.ctimeNs) {
        for (const e of cached.entries) out.push(e);
        return Errno.SUCCESS;
      }
      const names = fs.readdirSync(this.usesProcFd ? PROC_FD + d.fd : d.path, { encoding: 'buffer' });
      for (let i = 0; i < names.length; i++) {
        let name: string;
        try {
          name = UTF8.decode(names[i]);
        } catch {
          out.length = 0;
          return Errno.ILSEQ;
        }
        const st = fs.lstatSync(d.base + name, { throwIfNoEntry: false });
        if (st === undefined) continue; // removed since the readdir
        const ino = Number.isSafeInteger(st.ino) ? BigInt(st.ino) : fs.lstatSync(d.base + name, BIGINT).ino;
        out.push({ name, ino, filetype: filetypeFromMode(st.mode) });
      }
      const settled = BigInt(Date.now()) * 1_000_000n - dirStat.ctimeNs > LISTING_SETTLE_NS;
      if (settled) {
        if (this.listings.size >= MAX_CACHED_LISTINGS) this.listings.delete(this.listings.keys().next().value as string);
        this.listings.set(key, { generation: this.generation, ctimeNs: dirStat.ctimeNs, entries: out.slice() });
      } else this.listings.delete(key);
      return Errno.SUCCESS;
    } catch (err) {
      out.length = 0;
      return errnoFromHostError(err);
    }
  }


  // ---- internals ----

  private newDir(fd: number, path: string): NodeDirHandle {
    // The native path never builds host paths from `base`.
    const base = this.nat !== null ? '' : this.usesProcFd ? PROC_FD + fd + '/' : joinHostPath(path, '');
    return new NodeDirHandle(this, fd, path, base);
  }

  private isLive(h: FsHandle): boolean {
    return h instanceof NodeHandle && h.owner === this && h.fd >= 0;
  }

  /** 0 for a live directory handle of ours; ENOTDIR for one of our files; EBADF for anything else. */
  private dirErrno(h: FsHandle): Errno {
    if (!this.isLive(h)) return Errno.BADF;
    return h instanceof NodeDirHandle ? Errno.SUCCESS : Errno.NOTDIR;
  }


  /** Why a handle is not a live file of ours: a directory (EISDIR) or not ours / closed (EBADF). */
  private notFileErrno(h: FsHandle): Errno {
    return h instanceof NodeDirHandle && this.isLive(h) ? Errno.ISDIR : Errno.BADF;
  }

  /** Opening `.`: the directory itself, never for writing or creation. */
  private reopenDir(d: NodeDirHandle, flags: number, out: Ref<FsHandle | null>): Errno {
    if (flags & CREATE && flags & EXCL) return Errno.EXIST;
    if (flags & (WRITE | TRUNC | CREATE)) return Errno.ISDIR;
    if (this.nat !== null) {
      const fd = this.nat.open(d.fd, '.', DIR_OPEN, false);
      if (fd < 0) return errnoOf(fd);
      out.value = this.newDir(fd, d.path);
      return Errno.SUCCESS;
    }
    try {
      const fd = this.usesProcFd ? fs.openSync(PROC_FD + d.fd, DIR_REOPEN) : fs.openSync(d.path, DIR_OPEN);
      out.value = this.newDir(fd, d.path);
      return Errno.SUCCESS;
    } catch (err) {
      return errnoFromHostError(err);
    }
  }

  /**
   * Linux reports O_NOFOLLOW on a symlink as ELOOP, but as ENOTDIR when O_DIRECTORY is also set; the contract
   * wants ELOOP for any symlink at `name`, so look before trusting ENOTDIR.
   */
  private openErrno(d: NodeDirHandle, name: string, err: unknown): Errno {
    const errno = errnoFromHostError(err);
    if (errno !== Errno.NOTDIR) return errno;
    try {
      return (fs.lstatSync(d.base + name).mode & S_IFMT) === S_IFLNK ? Errno.LOOP : errno;
    } catch {
      return errno;
    }
  }
}

export function createNodeFileSystem(hostPath: string, options?: NodeFileSystemOptions): FileSystem {
  return new NodeFileSystem(hostPath, options);
}

/**
 * A name must be one plain component: the walker guarantees it, and we re-check the two things that would let
 * a bad name leave the directory (`..`, `/`) plus the ones Node would throw on (NUL) or misread (empty).
 */
/** Host open(2) flags for the contract's OpenFlags; the last component is never followed (O_NOFOLLOW). */
function hostOpenFlags(flags: number): number {
  let hostFlags = O_NOFOLLOW | (flags & WRITE ? (flags & READ ? O_RDWR : O_WRONLY) : O_RDONLY);
  if (flags & CREATE) hostFlags |= flags & EXCL ? O_CREAT | O_EXCL : O_CREAT;
  if (flags & TRUNC) hostFlags |= O_TRUNC;
  if (flags & DIRECTORY) hostFlags |= O_DIRECTORY;
  if (flags & APPEND) hostFlags |= O_APPEND;
  if (flags & DSYNC) hostFlags |= O_DSYNC;
  if (flags & (SYNC | RSYNC)) hostFlags |= O_SYNC; // Linux has no separate O_RSYNC (it equals O_SYNC)
  if (flags & NONBLOCK) hostFlags |= O_NONBLOCK;
  return hostFlags;
}

/** Defence in depth for `openPath`: names joined by single slashes, no `.`/`..` component, no NUL. */
const PLAIN_PATH = /^(?!\.\.?(?:\/|$))(?:[^/\0]+(?:\/(?!\.\.?(?:\/|$))[^/\0]+)*)$/;

/** `path` is `root` or below it. */
function isInside(path: string, root: string): boolean {
  return path === root || (path.startsWith(root) && (root === '/' || path.charCodeAt(root.length) === 0x2f));
}


/**
 * The `openat` emulation is usable iff the magic link of the opened root reads back as the root's path: whether
 * `/proc/self/fd/<fd>` of `root`, opened as a directory without following a last symlink, reads back as exactly
 * `root`. The kernel's name for the opened directory is absolute and crosses no symlink, so a read-back
 * equal to `root` also proves `root` canonical: what `fs.realpathSync(root)` would return (the same proof as
 * `openPath`'s). False for a relative path, a symlink anywhere in it, `.`/`..`/doubled or trailing slashes, a
 * missing or non-directory path, and wherever `/proc/self/fd` is not usable.
 */
function procFdWorks(root: string): boolean {
  let fd = -1;
  try {
    fd = fs.openSync(root, DIR_OPEN);
    return fs.readlinkSync(PROC_FD + fd) === root;
  } catch {
    return false;
  } finally {
    if (fd >= 0) closeQuietly(fd);
  }
}

function closeQuietly(fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Nothing useful to report: the fd is released either way (close(2) frees it even on EIO/EINTR).
  }
}

/**
 * 0 for a live directory handle of any `NodeFileSystem` (the target of a rename or link, which may belong to
 * another host directory backend, see `acceptsTargetOf`); ENOTDIR for a file handle; EBADF for anything else.
 */
function peerDirErrno(h: FsHandle): Errno {
  if (!(h instanceof NodeHandle) || !(h.owner instanceof NodeFileSystem) || h.fd < 0) return Errno.BADF;
  return h instanceof NodeDirHandle ? Errno.SUCCESS : Errno.NOTDIR;
}

/** The JavaScript path's pread (a negative position reads at the fd's offset): bytes, or -errno. */
function readJs(fd: number, buf: Uint8Array, off: number, len: number, position: number): number {
  try {
    return fs.readSync(fd, buf, off, len, position < 0 ? null : position);
  } catch (err) {
    return -errnoFromHostError(err);
  }
}

/** The JavaScript path's pwrite (a negative position writes at the fd's offset: O_APPEND appends): bytes, or -errno. */
function writeJs(fd: number, buf: Uint8Array, off: number, len: number, position: number): number {
  try {
    return fs.writeSync(fd, buf, off, len, position < 0 ? null : position);
  } catch (err) {
    return -errnoFromHostError(err);
  }
}

/** The little-endian u32 at `at` of guest memory (an iovec's buffer offset or length). */
function iovU32(mem: Uint8Array, at: number): number {
  return (mem[at] | (mem[at + 1] << 8) | (mem[at + 2] << 16) | (mem[at + 3] << 24)) >>> 0;
}

/** Views of the non-empty buffers of `count` wasm32 iovecs at `iovs`, or null if one lies outside `mem`. */
function iovViews(mem: Uint8Array, iovs: number, count: number): Uint8Array[] | null {
  const views: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const buf = iovU32(mem, iovs + i * 8);
    const len = iovU32(mem, iovs + i * 8 + 4);
    if (buf + len > mem.length) return null;
    if (len !== 0) views.push(mem.subarray(buf, buf + len));
  }
  return views;
}
