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

/** The namespace path of `name` inside the directory at namespace path `dir`. */
export function joinNsPath(dir: string, name: string): string {
  return dir.length === 1 ? '/' + name : dir + '/' + name;
}

/**
 * A mount namespace: any backend at any guest path, nested mounts included. The walker consults it while it
 * descends (a component whose namespace path is a mount point continues in the mounted filesystem's root) and
 * `..` pops back into the parent filesystem, so mounts are joined without any backend knowing about the others.
 * All state is per instance; built once at composition.
 */
export class Namespace {
  private readonly byPath = new Map<string, Mount>();
  /** Names of the mount points directly inside each namespace directory (for readdir). */
  private readonly childNames = new Map<string, string[]>();
  private readonly paths: string[] = [];
  /** Every namespace directory with a mount point strictly below it (the proper prefixes of mount paths). */
  private readonly ancestors = new Set<string>();

  constructor(mounts: readonly { readonly path: string; readonly fs: FileSystem }[]) {
    const ref: Ref<FsHandle | null> = { value: null };
    for (const m of mounts) {
      const path = normalizeMountPath(m.path);
      if (this.byPath.has(path)) throw new Error(`vos: two filesystems mounted at ${path}`);
      const errno = m.fs.openRoot(ref);
      if (errno !== Errno.SUCCESS) {
        this.closeRoots(); // a host error must not leave the roots opened so far (host fds) behind
        throw new Error(`vos: cannot open the filesystem mounted at ${path}: ${errnoName(errno)}`);
      }
      if (m.fs.typeOf(ref.value as FsHandle) !== Filetype.DIRECTORY) {
        m.fs.close(ref.value as FsHandle);
        this.closeRoots();
        throw new Error(`vos: the filesystem mounted at ${path} has a root that is not a directory`);
      }
      this.byPath.set(path, { path, fs: m.fs, root: ref.value as FsHandle });
      ref.value = null;
      this.paths.push(path);
      if (path !== '/') {
        for (let at = path.indexOf('/', 1); at !== -1; at = path.indexOf('/', at + 1)) this.ancestors.add(path.slice(0, at));
        this.ancestors.add('/');
        const cut = path.lastIndexOf('/');
        const parent = cut === 0 ? '/' : path.slice(0, cut);
        const list = this.childNames.get(parent) ?? [];
        list.push(path.slice(cut + 1));
        this.childNames.set(parent, list);
      }
    }
    if (!this.byPath.has('/')) throw new Error('vos: a mount namespace needs a filesystem mounted at /');
  }

  get root(): Mount {
    return this.byPath.get('/') as Mount;
  }

  /** Closes the roots opened so far (construction failed). */
  private closeRoots(): void {
    for (const m of this.byPath.values()) m.fs.close(m.root);
    this.byPath.clear();
  }

  mountAt(path: string): Mount | undefined {
    return this.byPath.get(path);
  }

  /** Mount point names directly inside the namespace directory `path` (empty array if none). */
  mountsIn(path: string): readonly string[] {
    return this.childNames.get(path) ?? NONE;
  }

  /**
   * Whether any mount point lies strictly below `path` (renaming such a directory would move mounts: EBUSY).
   * `''` stands for "somewhere with no mounts below", which the walker uses to stop tracking paths.
   */
  hasMountsBelow(path: string): boolean {
    return this.ancestors.has(path);
  }

  /** Every mount, parents before children (for composition checks and disposal). */
  all(): Mount[] {
    return [...this.byPath.values()].sort((a, b) => a.path.length - b.path.length);
  }
}

const NONE: readonly string[] = Object.freeze([]);
