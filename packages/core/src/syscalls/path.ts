import { Errno } from '../abi/errno';
import {
  Fdflags, Filetype, Lookupflags, Oflags, Rights, RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, RIGHTS_REGULAR_FILE,
} from '../abi/constants';
import type { SyscallContext } from '../context';
import { directoryFd, fileFd, type DirectoryFd, type FdEntry } from '../fdtable';
import { utf8Encoder, utf8Length } from '../memory';
import { OpenFlags, type FileSystem, type FsHandle, type Ref } from '../providers/fs';
import type { Resolution } from '../walker';
import type { Namespace } from '../namespace';
import { resolveTimes, writeFilestat } from './common';
import { SYMLINK_TARGET_MAX } from '../limits';

/**
 * Common prologue of every path call (the adapter has checked the directory fd and decoded the path): the
 * walker resolves the path up to its final component in `res`.
 */
function begin(ctx: SyscallContext, dir: DirectoryFd, path: string, res: Resolution): Errno {
  const fs = dir.fs;
  if (fs.revalidate !== undefined) {
    const errno = fs.revalidate(dir.handle);
    if (errno !== Errno.SUCCESS) return errno;
  }
  return ctx.walker.resolve(fs, dir.handle, path, res, dir.ns, dir.nsPath);
}

/**
 * lstat of the final component, following symlinks there when `follow` (or a trailing slash) asks for it.
 * Leaves the result in ctx.stat and `res` pointing at the entry that was stat'ed.
 */
function statFinal(ctx: SyscallContext, res: Resolution, follow: boolean): Errno {
  for (;;) {
    const errno = res.fs.statAt(res.dir, res.name, ctx.stat);
    if (errno !== Errno.SUCCESS) return errno;
    if (ctx.stat.filetype !== Filetype.SYMBOLIC_LINK || !(follow || res.mustBeDir)) break;
    const e2 = ctx.walker.followFinal(res);
    if (e2 !== Errno.SUCCESS) return e2;
  }
  if (res.mustBeDir && ctx.stat.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
  return Errno.SUCCESS;
}

/** Runs `op` with `res` released afterwards whatever happens. */
function finish(res: Resolution, errno: Errno): Errno {
  res.release();
  return errno;
}

export function path_open(
  ctx: SyscallContext, dirEntry: DirectoryFd, dirflags: number, pathStr: string, oflags: number,
  rightsBase: number, rightsInheriting: number, fdflags: number, fdOut: number,
): Errno {
  let needed = 0;
  if (oflags & Oflags.CREAT) needed |= Rights.PATH_CREATE_FILE;
  if (oflags & Oflags.TRUNC) needed |= Rights.PATH_FILESTAT_SET_SIZE;
  if ((needed & ~dirEntry.rightsBase) !== 0) return Errno.NOTCAPABLE;
  // Requested rights are narrowed to what the directory may hand down, never widened (wasmtime ignores the
  // request; uvwasi refuses it): asking for more than allowed is not an error, it just is not granted.
  const base = rightsBase & dirEntry.rightsInheriting;
  const inheriting = rightsInheriting & dirEntry.rightsInheriting;
  const write = (base & WRITE_RIGHTS) !== 0;
  // What the guest asked for, before narrowing: a directory opened for writing is EISDIR (below) whatever the
  // directory may hand down, as wasmtime (which ignores rights) and Linux's open(O_DIRECTORY|O_WRONLY) answer.
  const writeRequested = (rightsBase & WRITE_RIGHTS) !== 0;
  const read = (base & (Rights.FD_READ | Rights.FD_READDIR)) !== 0 || !write;
  const fs = dirEntry.fs;
  let errno: Errno = fs.revalidate !== undefined ? fs.revalidate(dirEntry.handle) : Errno.SUCCESS;
  if (errno !== Errno.SUCCESS) return errno;

  // With O_DIRECTORY (or a trailing slash) the directory is looked up read-only, so a missing path is ENOENT and a
  // file ENOTDIR, as on Linux; only once it is known to be a directory does a write request make it EISDIR.
  const trailingSlash = pathStr.charCodeAt(pathStr.length - 1) === 0x2f;
  const wantDir = (oflags & Oflags.DIRECTORY) !== 0 || trailingSlash;
  let flags = wantDir ? OpenFlags.READ | OpenFlags.DIRECTORY : (read ? OpenFlags.READ : 0) | (write ? OpenFlags.WRITE : 0);
  if (oflags & Oflags.CREAT) flags |= OpenFlags.CREATE;
  if (oflags & Oflags.EXCL) flags |= OpenFlags.EXCL;
  if (oflags & Oflags.TRUNC) flags |= OpenFlags.TRUNC;
  if (fdflags & Fdflags.DSYNC) flags |= OpenFlags.DSYNC;
  if (fdflags & Fdflags.SYNC) flags |= OpenFlags.SYNC;
  if (fdflags & Fdflags.RSYNC) flags |= OpenFlags.RSYNC;
  const ref = ctx.handleRef;

  const ns = dirEntry.ns;
  // Plain paths (names only) may be opened by the backend in one step when it can vouch for them; an open that
  // creates or truncates only by a backend that offers `openPathCreating` (refusal before any change), and never
  // a directory (DIRECTORY with CREATE is the backend's EINVAL, found by the walk).
  const oneStep = flags & (OpenFlags.CREATE | OpenFlags.TRUNC)
    ? fs.openPathCreating !== undefined && !(flags & OpenFlags.DIRECTORY)
    : fs.openPath !== undefined;
  if (oneStep && (ns === null || !ns.hasMountsBelow(dirEntry.nsPath))) {
    if (ctx.walker.openPlain(fs, dirEntry.handle, pathStr, flags, ref) === Errno.SUCCESS) {
      if (flags & OpenFlags.DIRECTORY && writeRequested) return refuseDirectory(fs, ref);
      return install(ctx, fs, ref, base, inheriting, fdflags, openMode(flags), fdOut, null, '', dirEntry, pathStr);
    }
  }

  const res = ctx.resA;
  errno = ctx.walker.resolve(fs, dirEntry.handle, pathStr, res, ns, dirEntry.nsPath);
  if (errno !== Errno.SUCCESS) return errno;
  if (res.mustBeDir && oflags & Oflags.CREAT) return finish(res, Errno.ISDIR);
  const follow = (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
  for (;;) {
    // A trailing slash, also one that a followed link's target ends with, asks for a directory.
    if (res.mustBeDir) flags = (flags & ~OpenFlags.WRITE) | OpenFlags.READ | OpenFlags.DIRECTORY;
    errno = res.fs.openAt(res.dir, res.name, flags, ref);
    if (errno !== Errno.LOOP || !(follow || res.mustBeDir)) break;
    errno = ctx.walker.followFinal(res);
    if (errno !== Errno.SUCCESS) return errno;
  }
  const openedFs = res.fs;
  const nsPath = ns === null ? '' : res.nsPath;
  res.release();
  if (errno !== Errno.SUCCESS) return errno;
  if (flags & OpenFlags.DIRECTORY && writeRequested) return refuseDirectory(openedFs, ref);
  return install(ctx, openedFs, ref, base, inheriting, fdflags, openMode(flags), fdOut, ns, nsPath, dirEntry, pathStr);
}

/** Rights that make an open a write open (wasmtime's set): a directory holding any of them would be writable. */
const WRITE_RIGHTS = Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;

/** A directory was opened (O_DIRECTORY or a trailing slash) but the guest asked to write it: EISDIR. */
function refuseDirectory(fs: FileSystem, ref: Ref<FsHandle | null>): Errno {
  fs.close(ref.value as FsHandle);
  ref.value = null;
  return Errno.ISDIR;
}

function openMode(flags: number): number {
  return (flags & OpenFlags.READ ? Rights.FD_READ : 0) | (flags & OpenFlags.WRITE ? Rights.FD_WRITE : 0);
}

/** Puts a freshly opened handle into the fd table with rights that fit its kind; EMFILE when the table is full. */
function install(
  ctx: SyscallContext, fs: FileSystem, ref: Ref<FsHandle | null>, base: number, inheriting: number, fdflags: number,
  mode: number, fdOut: number, ns: Namespace | null, nsPath: string, from: FdEntry, path: string,
): Errno {
  const handle = ref.value as FsHandle;
  ref.value = null;
  const filetype = fs.typeOf(handle);
  let entry: FdEntry;
  if (filetype === Filetype.DIRECTORY) {
    entry = directoryFd(base & RIGHTS_DIRECTORY, inheriting & RIGHTS_DIRECTORY_INHERITING, fs, handle);
    entry.fdflags = fdflags & ~Fdflags.APPEND;
    if (ns !== null) {
      entry.ns = ns;
      entry.nsPath = nsPath;
    }
  } else {
    entry = fileFd(filetype, base & RIGHTS_REGULAR_FILE, inheriting & RIGHTS_DIRECTORY_INHERITING, fdflags, fs, handle);
    entry.mode = mode;
  }
  entry.openedFrom = from;
  entry.openedPath = path;
  const newFd = ctx.fds.insert(entry);
  if (newFd < 0) {
    fs.close(handle);
    return Errno.MFILE;
  }
  ctx.mem.view.setUint32(fdOut, newFd, true);
  return Errno.SUCCESS;
}

export function path_filestat_get(ctx: SyscallContext, dir: DirectoryFd, flags: number, path: string, out: number): Errno {
  const res = ctx.resA;
  let errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  errno = statFinal(ctx, res, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
  res.release();
  if (errno !== Errno.SUCCESS) return errno;
  writeFilestat(ctx, out, ctx.stat);
  return Errno.SUCCESS;
}

export function path_filestat_set_times(
  ctx: SyscallContext, dir: DirectoryFd, flags: number, path: string, atim: bigint, mtim: bigint, fst: number,
): Errno {
  let errno = resolveTimes(ctx, atim, mtim, fst);
  if (errno !== Errno.SUCCESS) return errno;
  const res = ctx.resA;
  errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  errno = statFinal(ctx, res, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
  if (errno === Errno.SUCCESS && (ctx.atim !== null || ctx.mtim !== null)) {
    errno = res.fs.setTimesAt(res.dir, res.name, ctx.atim, ctx.mtim);
  }
  return finish(res, errno);
}

export function path_create_directory(ctx: SyscallContext, dir: DirectoryFd, path: string): Errno {
  const res = ctx.resA;
  const errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  if (res.name === '.') return finish(res, Errno.EXIST);
  return finish(res, res.fs.mkdirAt(res.dir, res.name));
}

export function path_remove_directory(ctx: SyscallContext, dir: DirectoryFd, path: string): Errno {
  const res = ctx.resA;
  const errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  if (res.atMount) return finish(res, Errno.BUSY); // a mount point
  if (res.name === '.') return finish(res, Errno.INVAL); // rmdir(".") and "dir/.." (POSIX)
  return finish(res, res.fs.rmdirAt(res.dir, res.name));
}

export function path_unlink_file(ctx: SyscallContext, dir: DirectoryFd, path: string): Errno {
  const res = ctx.resA;
  let errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  if (res.name === '.') return finish(res, Errno.ISDIR);
  if (res.mustBeDir) {
    // "x/" names a directory: unlinking it is EISDIR if it is one (through links too), else ENOTDIR (Linux).
    errno = statFinal(ctx, res, true);
    return finish(res, errno === Errno.SUCCESS ? Errno.ISDIR : errno);
  }
  return finish(res, res.fs.unlinkAt(res.dir, res.name));
}

/** Truncates silently when the buffer is short (POSIX readlink; wasmtime's test suite expects this). */
export function path_readlink(ctx: SyscallContext, dir: DirectoryFd, path: string, buf: number, bufLen: number, out: number): Errno {
  const res = ctx.resA;
  let errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  if (res.mustBeDir || res.name === '.') {
    // "link/" resolves through the link to a directory, which is not a link.
    errno = statFinal(ctx, res, true);
    return finish(res, errno === Errno.SUCCESS ? Errno.INVAL : errno);
  }
  errno = res.fs.readlinkAt(res.dir, res.name, ctx.stringRef);
  res.release();
  if (errno !== Errno.SUCCESS) return errno;
  const bytes = utf8Encoder.encode(ctx.stringRef.value);
  const n = Math.min(bytes.length, bufLen);
  ctx.mem.u8.set(bytes.subarray(0, n), buf);
  ctx.mem.view.setUint32(out, n, true);
  return Errno.SUCCESS;
}

/**
 * The link text is stored as given, but absolute targets are refused (ENOTCAPABLE): the walker would never
 * follow them, and on a host directory they would point the host's own tools outside the sandbox.
 */
export function path_symlink(ctx: SyscallContext, target: string, dir: DirectoryFd, path: string): Errno {
  // The adapter bounded the text at PATH_MAX; a link target is one byte shorter (Linux).
  if (target.length > SYMLINK_TARGET_MAX / 3 && utf8Length(target) > SYMLINK_TARGET_MAX) return Errno.NAMETOOLONG;
  const res = ctx.resA;
  let errno = begin(ctx, dir, path, res);
  if (errno !== Errno.SUCCESS) return errno;
  if (target.length === 0) return finish(res, Errno.NOENT);
  if (target.charCodeAt(0) === 0x2f) return finish(res, Errno.NOTCAPABLE);
  if (res.name === '.') return finish(res, Errno.EXIST);
  if (res.mustBeDir) {
    errno = res.fs.statAt(res.dir, res.name, ctx.stat);
    return finish(res, errno === Errno.SUCCESS ? Errno.EXIST : Errno.NOENT);
  }
  return finish(res, res.fs.symlinkAt(target, res.dir, res.name));
}

export function path_link(
  ctx: SyscallContext, oldDir: DirectoryFd, oldFlags: number, oldPath: string, newDir: DirectoryFd, newPath: string,
): Errno {
  // wasmtime refuses to follow a symlink source (its filesystem layer cannot link through one): EINVAL.
  if (oldFlags & Lookupflags.SYMLINK_FOLLOW) return Errno.INVAL;
  return twoPaths(ctx, oldDir, oldPath, newDir, newPath, linkResolved);
}

/** Resolves a source and a target path (resA, resB), runs `op` on both, and releases both whatever happens. */
function twoPaths(
  ctx: SyscallContext, dirA: DirectoryFd, pathA: string, dirB: DirectoryFd, pathB: string,
  op: (ctx: SyscallContext, src: Resolution, dst: Resolution) => Errno,
): Errno {
  const src = ctx.resA;
  const dst = ctx.resB;
  let errno = begin(ctx, dirA, pathA, src);
  if (errno !== Errno.SUCCESS) return errno;
  errno = begin(ctx, dirB, pathB, dst);
  if (errno !== Errno.SUCCESS) return finish(src, errno);
  errno = op(ctx, src, dst);
  dst.release();
  return finish(src, errno);
}

/**
 * EXDEV only where the two names really are on different filesystems: different backends, unless the source
 * backend vouches that it can reach the target's (two host directories: the host then decides, by device).
 */
function crossDevice(src: Resolution, dst: Resolution): boolean {
  return src.fs !== dst.fs && src.fs.acceptsTargetOf?.(dst.fs) !== true;
}

function linkResolved(ctx: SyscallContext, src: Resolution, dst: Resolution): Errno {
  if (crossDevice(src, dst)) return Errno.XDEV;
  if (src.name === '.') return Errno.PERM;
  let errno = statFinal(ctx, src, false);
  if (errno !== Errno.SUCCESS) return errno;
  if (ctx.stat.filetype === Filetype.DIRECTORY) return Errno.PERM;
  if (dst.name === '.') return Errno.EXIST;
  if (dst.mustBeDir) {
    errno = dst.fs.statAt(dst.dir, dst.name, ctx.stat2);
    return errno === Errno.SUCCESS ? Errno.EXIST : Errno.NOENT;
  }
  return src.fs.linkAt(src.dir, src.name, dst.dir, dst.name);
}

export function path_rename(ctx: SyscallContext, dir: DirectoryFd, oldPath: string, newDir: DirectoryFd, newPath: string): Errno {
  return twoPaths(ctx, dir, oldPath, newDir, newPath, renameResolved);
}

function renameResolved(ctx: SyscallContext, src: Resolution, dst: Resolution): Errno {
  if (src.name === '.' || dst.name === '.') return Errno.BUSY; // includes mount points
  if (crossDevice(src, dst)) return Errno.XDEV;
  // Renaming a directory that has mount points below it would move them: refused, as Linux does (EBUSY).
  if (src.ns !== null && src.ns.hasMountsBelow(src.nsPath)) return Errno.BUSY;
  if (src.mustBeDir || dst.mustBeDir) {
    // A trailing slash on either side requires the source to be a directory (POSIX rename).
    const errno = src.fs.statAt(src.dir, src.name, ctx.stat);
    if (errno !== Errno.SUCCESS) return errno;
    if (ctx.stat.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
  }
  return src.fs.renameAt(src.dir, src.name, dst.dir, dst.name);
}
