import { Errno } from './abi/errno';
import { DECLINED, OpenFlags, type FileSystem, type FsHandle, type Ref } from './providers/fs';
import { joinNsPath, type Namespace } from './namespace';
import { checkName, isPlainPath, nameTooLong } from './names';
import { utf8Length } from './memory';
import { DEFAULT_LIMITS, SYMLINK_TARGET_MAX, type CoreLimits } from './limits';

/** Symlinks followed in one resolution before ELOOP (Linux's MAXSYMLINKS), unless the limits say otherwise. */
export const SYMLINK_BUDGET = DEFAULT_LIMITS.maxSymlinks;

export { NAME_MAX } from './names';

const DIR_OPEN = OpenFlags.READ | OpenFlags.DIRECTORY;

/**
 * The outcome of a walk: the directory that holds the final component, and that component's name. Reused per
 * instance (a syscall that takes two paths uses two). Holds the directory stack so a caller that finds a symlink
 * at the final component can `followFinal` and go on walking where it stopped. In a mount namespace the stack
 * spans filesystems: each level records its filesystem, whether the walk opened it, and its namespace path.
 */
export class Resolution {
  /** Directory stack; [0] is the start directory (not owned), the rest were opened by the walk or are mount roots. */
  readonly stack: FsHandle[] = [];
  readonly fsStack: FileSystem[] = [];
  /** Whether the walk opened stack[i] (and must close it); mount roots and the start are not owned. */
  readonly owned: boolean[] = [];
  /** Namespace path of stack[i], kept only when walking in a namespace. */
  readonly nsPaths: string[] = [];
  /** Components still to walk, last first (a stack). */
  readonly pending: string[] = [];
  ns: Namespace | null = null;
  budget = SYMLINK_BUDGET;
  /** Components this resolution may still visit (links' targets included); ELOOP when it runs out. */
  steps = 0;
  /** The final component: a plain name, or `.` for the directory `dir` itself. */
  name = '';
  /** The path ended with `/` (or a followed link's target did): the final component must be a directory. */
  mustBeDir = false;
  /** The final component is a mount point (then `dir` is the mounted root and `name` is `.`). */
  atMount = false;

  get dir(): FsHandle {
    return this.stack[this.stack.length - 1];
  }

  get fs(): FileSystem {
    return this.fsStack[this.fsStack.length - 1];
  }

  /** Namespace path of the final component (only in a namespace; '' where no mount can lie below). */
  get nsPath(): string {
    const dir = this.nsPaths[this.nsPaths.length - 1];
    if (this.name === '.' || dir === '') return dir;
    return (this.ns as Namespace).hasMountsBelow(dir) ? joinNsPath(dir, this.name) : '';
  }

  push(fs: FileSystem, handle: FsHandle, owned: boolean, nsPath: string): void {
    this.stack.push(handle);
    this.fsStack.push(fs);
    this.owned.push(owned);
    if (this.ns !== null) this.nsPaths.push(nsPath);
  }

  /** Drops the top directory, closing it if the walk opened it. */
  pop(): void {
    const i = this.stack.length - 1;
    if (this.owned[i]) this.fsStack[i].close(this.stack[i]);
    this.stack.pop();
    this.fsStack.pop();
    this.owned.pop();
    if (this.ns !== null) this.nsPaths.pop();
  }

  /** Closes every directory the walk opened. Always call after the operation, success or not. */
  release(): void {
    while (this.stack.length > 0) this.pop();
    this.pending.length = 0;
  }
}

/**
 * The one path walker (STYLE habit 4): every guest path goes through here, one component at a time, from the
 * directory fd it starts at. Each directory fd is its own sandbox root, as in cap-std and wasmtime: `..` above
 * it, absolute paths and absolute symlink targets are ENOTCAPABLE; symlinks are read and spliced into the walk
 * with a budget (ELOOP). Backends only ever see (directory handle, single name).
 */
export class PathWalker {
  private readonly link: Ref<string> = { value: '' };
  private readonly opened: Ref<FsHandle | null> = { value: null };
  private readonly names: string[] = [];
  private readonly maxSymlinks: number;
  private readonly maxSteps: number;

  constructor(limits: CoreLimits = DEFAULT_LIMITS) {
    this.maxSymlinks = limits.maxSymlinks;
    this.maxSteps = limits.maxPathComponents;
  }

  /**
   * Resolves `path` from `start` up to its final component, which is left unresolved in `out.name` (the caller
   * acts on it, and calls `followFinal` if it must follow a symlink there). On error the resolution is released.
   * Errors: ENOENT (empty path), ENOTCAPABLE (escapes), ENOTDIR, ELOOP, EILSEQ/EINVAL (checked by the decoder),
   * and whatever the backend says while descending.
   */
  resolve(fs: FileSystem, start: FsHandle, path: string, out: Resolution, ns: Namespace | null = null, startNsPath = '/'): Errno {
    out.release();
    out.ns = ns;
    out.push(fs, start, false, startNsPath);
    out.budget = this.maxSymlinks;
    out.steps = this.maxSteps;
    out.mustBeDir = false;
    out.atMount = false;
    if (path.length === 0) return Errno.NOENT;
    if (path.charCodeAt(0) === 0x2f /* / */) return Errno.NOTCAPABLE;
    this.pushComponents(path, out);
    if (out.pending.length === 0) {
      out.name = '.';
      return Errno.SUCCESS;
    }
    if (fs.openDirPath !== undefined && out.pending.length > 2 && (ns === null || !ns.hasMountsBelow(startNsPath))) {
      this.tryFastPath(fs, start, out);
    }
    return this.walk(out);
  }

  /**
   * The final component is a symlink to follow: splice its target into the walk and resolve again to the new
   * final component. ELOOP when the budget is spent; ENOTCAPABLE for absolute targets.
   */
  followFinal(out: Resolution): Errno {
    const errno = this.expand(out, out.name);
    if (errno !== Errno.SUCCESS) {
      out.release();
      return errno;
    }
    return this.walk(out);
  }

  /**
   * For `path_open`'s fast path: when `path` is nothing but plain names (no `.`, `..`, empty components or
   * trailing slash), lets the backend open it in one step: `openPath`, or `openPathCreating` when `flags` create
   * or truncate (the caller checks that the backend has the one it needs). Returns SUCCESS with the handle in
   * `out`, or DECLINED: then the caller resolves the path normally.
   */
  openPlain(fs: FileSystem, start: FsHandle, path: string, flags: number, out: Ref<FsHandle | null>): number {
    if (!isPlainPath(path)) return DECLINED;
    const result = flags & (OpenFlags.CREATE | OpenFlags.TRUNC)
      ? (fs.openPathCreating as NonNullable<FileSystem['openPathCreating']>)(start, path, flags, out)
      : (fs.openPath as NonNullable<FileSystem['openPath']>)(start, path, flags, out);
    return result === Errno.SUCCESS ? Errno.SUCCESS : DECLINED;
  }

  /** Splits `path` onto the pending stack (last component first); marks a trailing slash. */
  private pushComponents(path: string, out: Resolution): void {
    const pending = out.pending;
    const base = pending.length;
    let end = path.length;
    if (path.charCodeAt(end - 1) === 0x2f && base === 0) out.mustBeDir = true;
    for (let i = path.length - 1; i >= -1; i--) {
      if (i === -1 || path.charCodeAt(i) === 0x2f) {
        if (end > i + 1) {
          const c = path.slice(i + 1, end);
          if (c !== '.' || pending.length === base) pending.push(c); // keep a final `.`: "dir/." is dir itself
        }
        end = i;
      }
    }
  }

  private walk(out: Resolution): Errno {
    const { pending, stack, ns } = out;
    const opened = this.opened;
    while (pending.length > 0) {
      const c = pending.pop() as string;
      const last = pending.length === 0;
      // Bounded work per syscall: a PATH_MAX path alone cannot spend this, only link chains can.
      if (--out.steps < 0) {
        out.release();
        return Errno.LOOP;
      }
      if (c === '.') {
        if (last) {
          out.name = '.';
          return Errno.SUCCESS;
        }
        continue;
      }
      if (c === '..') {
        if (stack.length === 1) {
          out.release();
          return Errno.NOTCAPABLE;
        }
        out.pop();
        if (last) {
          out.name = '.';
          return Errno.SUCCESS;
        }
        continue;
      }
      // A mount point continues in the mounted filesystem, whatever the parent filesystem has there. Namespace
      // paths are only tracked while a mount can still lie below (`''` marks a subtree with none).
      const childNs = ns === null ? '' : childNsPath(ns, out.nsPaths[out.nsPaths.length - 1], c);
      const mount = childNs === '' ? undefined : (ns as Namespace).mountAt(childNs);
      if (mount !== undefined) {
        out.push(mount.fs, mount.root, false, mount.path);
        if (last) {
          out.name = '.';
          out.atMount = true;
          return Errno.SUCCESS;
        }
        continue;
      }
      if (nameTooLong(c)) {
        out.release();
        return Errno.NAMETOOLONG;
      }
      if (last) {
        out.name = c;
        return Errno.SUCCESS;
      }
      const fs = out.fs;
      const errno = fs.openAt(out.dir, c, DIR_OPEN, opened);
      if (errno === Errno.SUCCESS) {
        out.push(fs, opened.value as FsHandle, true, childNs);
        opened.value = null;
        continue;
      }
      if (errno === Errno.LOOP) {
        const e2 = this.expand(out, c);
        if (e2 !== Errno.SUCCESS) {
          out.release();
          return e2;
        }
        continue;
      }
      out.release();
      return errno;
    }
    // Only reached when a symlink expanded to nothing but `.`/`..`-free separators: treat as the directory itself.
    out.name = '.';
    return Errno.SUCCESS;
  }

  /** Reads the symlink `name` in the current directory and pushes its target's components. */
  private expand(out: Resolution, name: string): Errno {
    if (--out.budget < 0) return Errno.LOOP;
    const errno = out.fs.readlinkAt(out.dir, name, this.link);
    if (errno !== Errno.SUCCESS) return errno === Errno.INVAL ? Errno.NOTDIR : errno;
    const target = this.link.value;
    if (target.length === 0) return Errno.NOENT;
    // A target planted by the host may be longer than any the guest can make: refuse it as Linux would.
    if (target.length > SYMLINK_TARGET_MAX / 3 && utf8Length(target) > SYMLINK_TARGET_MAX) return Errno.NAMETOOLONG;
    if (target.charCodeAt(0) === 0x2f) return Errno.NOTCAPABLE;
    const wasLast = out.pending.length === 0;
    const before = out.pending.length;
    this.pushComponents(target, out);
    if (wasLast && target.charCodeAt(target.length - 1) === 0x2f) out.mustBeDir = true;
    if (out.pending.length === before) out.pending.push('.');
    return Errno.SUCCESS;
  }

  /**
   * Lets the backend open all intermediate directories in one step when they are plain names (no `.`/`..`); the
   * backend declines unless it can vouch that no symlink was crossed, and then the walk goes step by step.
   */
  private tryFastPath(fs: FileSystem, start: FsHandle, out: Resolution): void {
    const pending = out.pending;
    const names = this.names;
    names.length = 0;
    // The core owns the fast path: only names that pass the one name check are handed over (any other
    // component leaves the walk to the slow path, which finds its errno).
    for (let i = pending.length - 1; i >= 1; i--) {
      const c = pending[i];
      if (c === '..' || c === '.' || checkName(c) !== Errno.SUCCESS) return;
      names.push(c);
    }
    if (pending[0] === '..') return;
    const result = (fs.openDirPath as NonNullable<FileSystem['openDirPath']>)(start, names, names.length, this.opened);
    if (result === DECLINED || result !== Errno.SUCCESS) return;
    // Only taken where no mount lies below the start, so the namespace path need not be tracked ('').
    out.push(fs, this.opened.value as FsHandle, true, '');
    this.opened.value = null;
    pending.length = 1;
  }
}

/** The namespace path of `name` in `dir`, or '' when no mount point can lie at or below it. */
function childNsPath(ns: Namespace, dir: string, name: string): string {
  return dir !== '' && ns.hasMountsBelow(dir) ? joinNsPath(dir, name) : '';
}

