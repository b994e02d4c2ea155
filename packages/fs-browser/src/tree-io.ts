/**
 * A whole tree in and out of any `FileSystem`, through the provider contract only: what the persistent stores,
 * the archive import/export and the playground's filesystem diff share. These are host-side APIs (before and
 * after a run), not guest calls: a failure throws an Error naming the path and the errno.
 */
import { Errno, errnoName, Filetype, newFileStat, OpenFlags, type DirEntry, type FileSystem, type FsHandle, type Ref } from '@vos/core';

/** One entry of a tree, by its slash-separated path under the root ('' is never listed: the root itself). */
export type TreeEntry =
  | { readonly path: string; readonly kind: 'dir'; readonly mtim: bigint; readonly atim: bigint }
  | { readonly path: string; readonly kind: 'file'; readonly data: Uint8Array; readonly mtim: bigint; readonly atim: bigint }
  | { readonly path: string; readonly kind: 'symlink'; readonly target: string; readonly mtim: bigint; readonly atim: bigint };

/** Limits on what `readTree` will gather, so that a huge or hostile tree cannot exhaust the page. */
export interface ReadTreeLimits {
  /** Most entries read (default 100 000). */
  readonly maxEntries?: number;
  /** Most bytes of file data read in total (default 1 GiB). */
  readonly maxBytes?: number;
}

const { READ, WRITE, CREATE, TRUNC, DIRECTORY } = OpenFlags;

function check(errno: number, what: string, path: string): void {
  if (errno !== Errno.SUCCESS) throw new Error(`${what}: ${path || '/'}: ${errnoName(errno)}`);
}

/**
 * Every entry under the root of `fs`, parents before children, names in sorted order (so two reads of the same
 * tree compare equal). Walks with an explicit stack: the depth of a tree is the guest's to choose. Like a backup
 * tool with `--atime-preserve`, it puts back the access time that its own reads and listings moved (where the
 * backend lets it: a read-only one does not need it), so that reading a tree does not change it.
 */
export function readTree(fs: FileSystem, limits: ReadTreeLimits = {}): TreeEntry[] {
  const maxEntries = limits.maxEntries ?? 100_000;
  const maxBytes = limits.maxBytes ?? 1 << 30;
  const out: TreeEntry[] = [];
  const ref: Ref<FsHandle | null> = { value: null };
  const link: Ref<string> = { value: '' };
  const st = newFileStat();
  const listing: DirEntry[] = [];
  let bytes = 0;
  check(fs.openRoot(ref), 'readTree', '');
  const rootHandle = ref.value as FsHandle;
  const rootAtim = fs.stat(rootHandle, st) === Errno.SUCCESS ? st.atim : null;
  const stack: { handle: FsHandle; prefix: string; atim: bigint | null }[] = [{ handle: rootHandle, prefix: '', atim: rootAtim }];
  try {
    while (stack.length > 0) {
      const { handle, prefix, atim } = stack.pop()!;
      try {
        check(fs.readdir(handle, listing), 'readTree', prefix);
        if (atim !== null) fs.setTimes(handle, atim, null);
        const names = listing.map((e) => e.name).sort();
        const subdirs: { handle: FsHandle; prefix: string; atim: bigint | null }[] = [];
        for (const name of names) {
          const path = prefix + name;
          if (out.length >= maxEntries) throw new Error(`readTree: more than ${maxEntries} entries`);
          check(fs.statAt(handle, name, st), 'readTree', path);
          const times = { mtim: st.mtim, atim: st.atim };
          if (st.filetype === Filetype.DIRECTORY) {
            out.push({ path, kind: 'dir', ...times });
            check(fs.openAt(handle, name, READ | DIRECTORY, ref), 'readTree', path);
            subdirs.push({ handle: ref.value as FsHandle, prefix: path + '/', atim: st.atim });
          } else if (st.filetype === Filetype.SYMBOLIC_LINK) {
            check(fs.readlinkAt(handle, name, link), 'readTree', path);
            out.push({ path, kind: 'symlink', target: link.value, ...times });
          } else if (st.filetype === Filetype.REGULAR_FILE) {
            const size = Number(st.size);
            bytes += size;
            if (bytes > maxBytes) throw new Error(`readTree: more than ${maxBytes} bytes of file data`);
            out.push({ path, kind: 'file', data: readFile(fs, handle, name, size, path, ref), ...times });
            fs.setTimesAt(handle, name, st.atim, null);
          }
          // Other kinds (devices, sockets) have no place in a stored tree.
        }
        // Depth-first, in name order: push in reverse so the first name is visited first.
        for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
      } finally {
        fs.close(handle);
      }
    }
  } catch (err) {
    for (const { handle } of stack) fs.close(handle);
    throw err;
  }
  return out;
}

function readFile(fs: FileSystem, dir: FsHandle, name: string, size: number, path: string, ref: Ref<FsHandle | null>): Uint8Array {
  check(fs.openAt(dir, name, READ, ref), 'readTree', path);
  const h = ref.value as FsHandle;
  try {
    let data = new Uint8Array(size);
    let at = 0;
    for (;;) {
      if (at === data.length) {
        // The file may have grown since its stat: read on until EOF.
        const grown = new Uint8Array(Math.max(4096, data.length * 2));
        grown.set(data);
        data = grown;
      }
      const n = fs.read(h, data, at, data.length - at, at);
      if (n < 0) check(-n, 'readTree', path);
      if (n === 0) break;
      at += n;
    }
    return at === data.length ? data : data.slice(0, at);
  } finally {
    fs.close(h);
  }
}

/**
 * Writes `entries` into `fs` under its root: directories are created (an existing one is kept), files are
 * created or replaced, symlinks created (an existing entry of that name is replaced). Parents must come before
 * children (as `readTree` lists them); a missing parent directory is created. Times are set last, deepest
 * first, so that creating children does not disturb a directory's restored mtime.
 */
export function writeTree(fs: FileSystem, entries: Iterable<TreeEntry>): void {
  const ref: Ref<FsHandle | null> = { value: null };
  check(fs.openRoot(ref), 'writeTree', '');
  const root = ref.value as FsHandle;
  const dirs = new Map<string, FsHandle>([['', root]]);
  const timed: TreeEntry[] = [];
  const st = newFileStat();
  const dirOf = (path: string): FsHandle => {
    const cached = dirs.get(path);
    if (cached) return cached;
    const cut = path.lastIndexOf('/');
    const parent = dirOf(cut < 0 ? '' : path.slice(0, cut));
    const name = path.slice(cut + 1);
    const errno = fs.mkdirAt(parent, name);
    if (errno !== Errno.EXIST) check(errno, 'writeTree', path);
    check(fs.openAt(parent, name, READ | DIRECTORY, ref), 'writeTree', path);
    dirs.set(path, ref.value as FsHandle);
    return ref.value as FsHandle;
  };
  try {
    for (const e of entries) {
      validatePath(e.path);
      const cut = e.path.lastIndexOf('/');
      const parent = dirOf(cut < 0 ? '' : e.path.slice(0, cut));
      const name = e.path.slice(cut + 1);
      if (e.kind === 'dir') {
        dirOf(e.path);
      } else {
        // Replace whatever is there unless it is a directory (a file over a directory is a conflict to report).
        if (fs.statAt(parent, name, st) === Errno.SUCCESS) {
          if (st.filetype === Filetype.DIRECTORY) throw new Error(`writeTree: ${e.path}: a directory is in the way`);
          if (e.kind === 'symlink' || st.filetype === Filetype.SYMBOLIC_LINK) check(fs.unlinkAt(parent, name), 'writeTree', e.path);
        }
        if (e.kind === 'symlink') {
          check(fs.symlinkAt(e.target, parent, name), 'writeTree', e.path);
        } else {
          check(fs.openAt(parent, name, WRITE | CREATE | TRUNC, ref), 'writeTree', e.path);
          const h = ref.value as FsHandle;
          try {
            for (let at = 0; at < e.data.length; ) {
              const n = fs.write(h, e.data, at, e.data.length - at, at);
              if (n < 0) check(-n, 'writeTree', e.path);
              if (n === 0) throw new Error(`writeTree: ${e.path}: short write`);
              at += n;
            }
          } finally {
            fs.close(h);
          }
        }
      }
      timed.push(e);
    }
    for (let i = timed.length - 1; i >= 0; i--) {
      const e = timed[i];
      if (e.mtim === 0n && e.atim === 0n) continue;
      const cut = e.path.lastIndexOf('/');
      const parent = dirOf(cut < 0 ? '' : e.path.slice(0, cut));
      check(fs.setTimesAt(parent, e.path.slice(cut + 1), e.atim, e.mtim), 'writeTree', e.path);
    }
  } finally {
    for (const h of dirs.values()) fs.close(h);
  }
}

/** A stored path must be plain names joined by single slashes: no '', '.', '..', leading or trailing slash, NUL. */
export function validatePath(path: string): void {
  if (path.length === 0 || path.includes('\0')) throw new Error(`bad path in tree: ${JSON.stringify(path)}`);
  for (const part of path.split('/')) {
    if (part === '' || part === '.' || part === '..') throw new Error(`bad path in tree: ${JSON.stringify(path)}`);
  }
}

/** What changed between two reads of a tree (the playground's filesystem diff, the stores' write-back). */
export interface TreeDiff {
  readonly added: TreeEntry[];
  /** Kind, bytes, link target or mtime changed. */
  readonly modified: TreeEntry[];
  readonly removed: TreeEntry[];
  /**
   * Nothing changed but the access time (the entry was read or listed): a store keeps the new time without
   * rewriting the data. `diffTrees` always fills it; a diff built by hand may leave it out.
   */
  readonly accessed?: TreeEntry[];
}

/** Compares two `readTree` results by path: kind, bytes, link target and mtime, then atime alone. */
export function diffTrees(before: readonly TreeEntry[], after: readonly TreeEntry[]): Required<TreeDiff> {
  const old = new Map(before.map((e) => [e.path, e]));
  const added: TreeEntry[] = [];
  const modified: TreeEntry[] = [];
  const accessed: TreeEntry[] = [];
  for (const e of after) {
    const o = old.get(e.path);
    old.delete(e.path);
    if (!o) added.push(e);
    else if (!sameEntry(o, e)) modified.push(e);
    else if (o.atim !== e.atim) accessed.push(e);
  }
  return { added, modified, removed: [...old.values()], accessed };
}

function sameEntry(a: TreeEntry, b: TreeEntry): boolean {
  if (a.kind !== b.kind || a.mtim !== b.mtim) return false;
  if (a.kind === 'symlink') return a.target === (b as typeof a).target;
  if (a.kind === 'file') {
    const x = a.data;
    const y = (b as typeof a).data;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  }
  return true;
}
