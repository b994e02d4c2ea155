import { Errno, errnoName } from './abi/errno';
import { Filetype } from './abi/constants';
import type { FileSystem, FsHandle, Ref } from './providers/fs';

/** A filesystem mounted at an absolute guest path, with its root handle (opened once, never closed by walks). */
export interface Mount {
  readonly path: string;
  readonly fs: FileSystem;
  readonly root: FsHandle;
}

/** Normalises a mount path: absolute, single slashes, no `.`/`..`, no trailing slash (the root is `/`). */
export function normalizeMountPath(path: string): string {
  if (isNormalMountPath(path)) return path; // the usual case, with no array or string made
  if (!path.startsWith('/')) throw new Error(`vos: mount path ${JSON.stringify(path)} must be absolute`);
  const parts: string[] = [];
  for (const c of path.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') throw new Error(`vos: mount path ${JSON.stringify(path)} must not contain '..'`);
    if (c.includes('\0')) throw new Error(`vos: mount path ${JSON.stringify(path)} contains NUL`);
    parts.push(c);
  }
  return '/' + parts.join('/');
}

/**
 * Whether `path` is already what `normalizeMountPath` makes of it: `/`, or `/`-separated components none of which
 * is empty, `.` or `..` or holds a NUL (no trailing slash). A regular expression: it runs as compiled code even
 * where its caller is still interpreted (a sandbox's construction mostly is), where a loop over the characters
 * was one of construction's dearest steps.
 */
function isNormalMountPath(path: string): boolean {
  return path === '/' || NORMAL_MOUNT_PATH.test(path);
}
const NORMAL_MOUNT_PATH = /^(?:\/(?!\.\.?(?:\/|$))[^/\0]+)+$/;

/** The namespace path of `name` inside the directory at namespace path `dir`. */
export function joinNsPath(dir: string, name: string): string {
  return dir.length === 1 ? '/' + name : dir + '/' + name;
}

/**
 * A mount namespace: any backend at any guest path, nested mounts included. The walker consults it while it
 * descends (a component whose namespace path is a mount point continues in the mounted filesystem's root) and
 * `..` pops back into the parent filesystem, so mounts are joined without any backend knowing about the others.
 * All state is per instance; built once at composition.
 *
 * The filesystem at `/` may be given as a factory (`defaultRoot`), used when no mount is at `/`: it is made, and
 * its root opened, only when something needs the root, that is when a preopen or a mount point's parent
 * directory lies in it (`WasiCore` asks for it then, at construction). A guest whose preopens are all mount
 * points can never reach `/` (`..` above a preopen is ENOTCAPABLE, absolute paths and link targets too), so a
 * sandbox with only `/sandbox` preopened never builds a root it cannot see (docs/decisions.md, "Lazy default
 * root").
 */
export class Namespace {
  private readonly byPath = new Map<string, Mount>();
  /** The same mounts in the order attached (the default root last, once made): what `closeRoots` walks. */
  private readonly attached: Mount[] = [];
  /** The mount points' paths, as given (normalised), in order. */
  private readonly paths: string[] = [];
  /**
   * Names of the mount points directly inside each namespace directory (for readdir), and every namespace
   * directory with a mount point strictly below it (the proper prefixes of mount paths): derived from `paths`
   * at the first question (most sandboxes never ask one), never changed after.
   */
  private childNames: Map<string, string[]> | null = null;
  private ancestors: Set<string> | null = null;
  /** The mounts, parents before children (`all()`), made at the first ask and again after the root is made. */
  private sorted: Mount[] | null = null;
  /** Makes the filesystem at `/` when no mount is there; null once made (or when a mount is at `/`). */
  private defaultRoot: (() => FileSystem) | null;

  constructor(mounts: readonly { readonly path: string; readonly fs: FileSystem }[], defaultRoot?: () => FileSystem) {
    const ref: Ref<FsHandle | null> = { value: null };
    for (const m of mounts) {
      const path = normalizeMountPath(m.path);
      if (this.byPath.has(path)) throw new Error(`vos: two filesystems mounted at ${path}`);
      this.attach(path, m.fs, ref);
      this.paths.push(path);
    }
    this.defaultRoot = this.byPath.has('/') ? null : (defaultRoot ?? null);
    if (!this.byPath.has('/') && this.defaultRoot === null) {
      throw new Error('vos: a mount namespace needs a filesystem mounted at /');
    }
  }

  /** Opens `fs`'s root and records it as the mount at `path`; a host error names the mount (roots so far closed). */
  private attach(path: string, fs: FileSystem, ref: Ref<FsHandle | null>): void {
    const errno = fs.openRoot(ref);
    if (errno !== Errno.SUCCESS) {
      this.closeRoots(); // a host error must not leave the roots opened so far (host fds) behind
      throw new Error(`vos: cannot open the filesystem mounted at ${path}: ${errnoName(errno)}`);
    }
    if (fs.typeOf(ref.value as FsHandle) !== Filetype.DIRECTORY) {
      fs.close(ref.value as FsHandle);
      this.closeRoots();
      throw new Error(`vos: the filesystem mounted at ${path} has a root that is not a directory`);
    }
    const mount: Mount = { path, fs, root: ref.value as FsHandle };
    this.byPath.set(path, mount);
    this.attached.push(mount);
    ref.value = null;
    this.sorted = null;
  }

  /** The mount at `/`, the default root made now if it was not yet. */
  get root(): Mount {
    const make = this.defaultRoot;
    if (make !== null) {
      this.defaultRoot = null;
      this.attach('/', make(), { value: null });
    }
    return this.byPath.get('/') as Mount;
  }

  /** Closes the roots of every mount made so far (construction failed, or the sandbox is disposed). */
  closeRoots(): void {
    // An index loop over an array: no Map iterator made when a sandbox is disposed.
    const attached = this.attached;
    for (let i = 0; i < attached.length; i++) attached[i].fs.close(attached[i].root);
    attached.length = 0;
    this.byPath.clear();
    this.sorted = null;
  }

  /** The mount at namespace path `path` (normalised), if one is there; the default root counts once made. */
  mountAt(path: string): Mount | undefined {
    return this.byPath.get(path);
  }

  /** Mount point names directly inside the namespace directory `path` (empty array if none). */
  mountsIn(path: string): readonly string[] {
    if (this.childNames === null) this.index();
    return (this.childNames as Map<string, string[]>).get(path) ?? NONE;
  }

  /**
   * Whether any mount point lies strictly below `path` (renaming such a directory would move mounts: EBUSY).
   * `''` stands for "somewhere with no mounts below", which the walker uses to stop tracking paths.
   */
  hasMountsBelow(path: string): boolean {
    if (this.ancestors === null) this.index();
    return (this.ancestors as Set<string>).has(path);
  }

  private index(): void {
    const ancestors = new Set<string>();
    const childNames = new Map<string, string[]>();
    for (const path of this.paths) {
      if (path === '/') continue;
      for (let at = path.indexOf('/', 1); at !== -1; at = path.indexOf('/', at + 1)) ancestors.add(path.slice(0, at));
      ancestors.add('/');
      const cut = path.lastIndexOf('/');
      const parent = cut === 0 ? '/' : path.slice(0, cut);
      const list = childNames.get(parent);
      if (list === undefined) childNames.set(parent, [path.slice(cut + 1)]);
      else list.push(path.slice(cut + 1));
    }
    this.ancestors = ancestors;
    this.childNames = childNames;
  }

  /** Every mount made so far, parents before children (for composition checks). */
  all(): readonly Mount[] {
    return (this.sorted ??= this.attached.slice().sort((a, b) => a.path.length - b.path.length));
  }

  /** Whether some mount point has a parent other than `/` (then composition must see that its parents exist). */
  get nested(): boolean {
    for (const path of this.paths) if (path.indexOf('/', 1) !== -1) return true;
    return false;
  }
}

const NONE: readonly string[] = Object.freeze([]);
