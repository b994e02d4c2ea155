import {
  BaseFileSystem, Errno, Filetype, OpenFlags,
  type AsyncFileSystem, type DirEntry, type FileStat, type FsCapabilities, type FsHandle, type MaybePromise, type Ref,
} from '@vos/core';
import { checkManifest, MANIFEST_NAME, type Manifest, type ManifestEntry } from './manifest';

/** A node of the served tree, built once from the manifest. */
interface TreeNode {
  readonly ino: bigint;
  readonly filetype: Filetype;
  readonly size: number;
  readonly mtim: bigint;
  /** URL path relative to the tree's base, each component percent-encoded. */
  readonly path: string;
  readonly children?: Map<string, TreeNode>;
  readonly target?: string;
}

/** A handle: the node it names. */
class TreeHandle {
  constructor(readonly node: TreeNode) {}
}

export interface HttpFileSystemOptions {
  /**
   * The tree's base URL (its files are fetched at `base/relative/path`), or the manifest's URL (ending in `.json`;
   * the base is then its directory). Without `.json` the manifest is `base/index.json`.
   */
  readonly url: string;
  /** Bytes of file content kept (least recently used first out). Default 32 MiB. */
  readonly cacheBytes?: number;
  /** Files up to this size are fetched whole on first read; larger ones by range requests. Default 1 MiB. */
  readonly wholeFileBytes?: number;
  /** Bytes per range request (and per cached piece of a large file). Default 256 KiB. */
  readonly chunkBytes?: number;
  /** The fetch to use (default: the global one). */
  readonly fetch?: (url: string, init?: { headers?: Record<string, string> }) => Promise<FetchResponse>;
  /** Device id reported by stat (default 1). */
  readonly dev?: bigint;
  /** Extra request headers (authorization...). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** What we use of a fetch Response. */
export interface FetchResponse {
  readonly ok: boolean;
  readonly status: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

/** Counters (tests and tools): what was fetched. */
export interface HttpStats {
  requests: number;
  rangeRequests: number;
  bytesFetched: number;
  cacheHits: number;
}

const CAPABILITIES: FsCapabilities = { readOnly: true, symlinks: true, hardLinks: false, timestampResolutionNs: 1n };

/**
 * The manifest as a synchronous read-only backend (names, types, sizes, times, links): everything but file bytes.
 * `BaseFileSystem` answers every mutation as a Linux read-only mount does.
 */
class ManifestTree extends BaseFileSystem {
  readonly capabilities = CAPABILITIES;
  constructor(readonly root: TreeNode, private readonly dev: bigint) {
    super();
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    out.value = new TreeHandle(this.root);
    return Errno.SUCCESS;
  }

  private child(dir: FsHandle, name: string): TreeNode | Errno {
    const node = (dir as TreeHandle).node;
    if (name === '.') return node;
    if (node.children === undefined) return Errno.NOTDIR;
    return node.children.get(name) ?? Errno.NOENT;
  }

  private fill(node: TreeNode, out: FileStat): Errno {
    out.dev = this.dev;
    out.ino = node.ino;
    out.filetype = node.filetype;
    out.nlink = node.filetype === Filetype.DIRECTORY ? 2n : 1n;
    out.size = BigInt(node.size);
    out.atim = node.mtim;
    out.mtim = node.mtim;
    out.ctim = node.mtim;
    return Errno.SUCCESS;
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const node = this.child(dir, name);
    return typeof node === 'number' ? node : this.fill(node, out);
  }

  protected open(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    const node = this.child(dir, name);
    if (typeof node === 'number') return node;
    if (node.filetype === Filetype.SYMBOLIC_LINK) return Errno.LOOP;
    if (flags & OpenFlags.DIRECTORY && node.filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
    out.value = new TreeHandle(node);
    return Errno.SUCCESS;
  }

  override readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const node = this.child(dir, name);
    if (typeof node === 'number') return node;
    if (node.target === undefined) return Errno.INVAL;
    out.value = node.target;
    return Errno.SUCCESS;
  }

  typeOf(h: FsHandle): Filetype {
    return (h as TreeHandle).node.filetype;
  }

  stat(h: FsHandle, out: FileStat): Errno {
    return this.fill((h as TreeHandle).node, out);
  }

  read(): number {
    return -Errno.IO; // bytes come from HttpFileSystem.read
  }

  readdir(h: FsHandle, out: DirEntry[]): Errno {
    out.length = 0;
    const node = (h as TreeHandle).node;
    if (node.children === undefined) return Errno.NOTDIR;
    for (const [name, child] of node.children) out.push({ name, ino: child.ino, filetype: child.filetype });
    return Errno.SUCCESS;
  }
}

function buildTree(manifest: Manifest): TreeNode {
  let nextIno = 1n;
  const make = (e: ManifestEntry, path: string): TreeNode => {
    const mtim = e.mtime === undefined ? 0n : BigInt(e.mtime);
    const ino = nextIno++;
    if (e.type === 'file') return { ino, filetype: Filetype.REGULAR_FILE, size: e.size, mtim, path };
    if (e.type === 'symlink') return { ino, filetype: Filetype.SYMBOLIC_LINK, size: new TextEncoder().encode(e.target).length, mtim, path, target: e.target };
    return { ino, filetype: Filetype.DIRECTORY, size: 0, mtim, path, children: new Map() };
  };
  const root = make(manifest.root, '');
  // Iterative: a deep manifest cannot overflow the stack.
  const stack: [ManifestEntry & { type: 'dir' }, TreeNode][] = [[manifest.root, root]];
  while (stack.length > 0) {
    const [entry, node] = stack.pop() as [ManifestEntry & { type: 'dir' }, TreeNode];
    for (const name of Object.keys(entry.entries).sort()) {
      const childEntry = entry.entries[name];
      const child = make(childEntry, node.path === '' ? encodeURIComponent(name) : `${node.path}/${encodeURIComponent(name)}`);
      (node.children as Map<string, TreeNode>).set(name, child);
      if (childEntry.type === 'dir') stack.push([childEntry, child]);
    }
  }
  return root;
}

/**
 * A read-only tree served over HTTP(S), fetched lazily: the manifest once (on the first `openRoot`), then file
 * bytes only when the guest reads them: small files whole, large ones by range requests, all through one small
 * LRU cache. Listing and stat'ing never fetch. An asynchronous provider (`AsyncFileSystem`): reads that miss the
 * cache return promises, so it runs through the worker channel (`@vos/worker`), or JSPI in a browser.
 * Network or server failures are EIO for the guest.
 */
export class HttpFileSystem implements AsyncFileSystem {
  readonly capabilities = CAPABILITIES;
  readonly stats: HttpStats = { requests: 0, rangeRequests: 0, bytesFetched: 0, cacheHits: 0 };
  private readonly base: string;
  private readonly manifestUrl: string;
  private readonly fetchFn: NonNullable<HttpFileSystemOptions['fetch']>;
  private readonly cacheBytes: number;
  private readonly wholeFileBytes: number;
  private readonly chunkBytes: number;
  private readonly headers: Record<string, string>;
  private readonly dev: bigint;
  private tree: ManifestTree | null = null;
  private loading: Promise<ManifestTree> | null = null;
  private readonly cache = new Map<string, Uint8Array>();
  private cached = 0;
  private readonly inflight = new Map<string, Promise<Uint8Array>>();

  constructor(options: HttpFileSystemOptions | string) {
    const o = typeof options === 'string' ? { url: options } : options;
    if (typeof o.url !== 'string' || o.url === '') throw new TypeError('vos: HttpFileSystem needs a url');
    if (/\.json([?#].*)?$/.test(o.url)) {
      this.manifestUrl = o.url;
      this.base = o.url.slice(0, o.url.lastIndexOf('/', o.url.search(/[?#]|$/)));
    } else {
      this.base = o.url.replace(/\/+$/, '');
      this.manifestUrl = `${this.base}/${MANIFEST_NAME}`;
    }
    const globalFetch = (globalThis as { fetch?: HttpFileSystemOptions['fetch'] }).fetch;
    const f = o.fetch ?? globalFetch;
    if (f === undefined) throw new TypeError('vos: no fetch available; pass options.fetch');
    this.fetchFn = f;
    this.cacheBytes = o.cacheBytes ?? 32 * 1024 * 1024;
    this.wholeFileBytes = o.wholeFileBytes ?? 1024 * 1024;
    this.chunkBytes = o.chunkBytes ?? 256 * 1024;
    this.headers = { ...(o.headers ?? {}) };
    this.dev = o.dev ?? 1n;
  }

  /** Loads the manifest (once; a failed load is retried by the next call). */
  load(): Promise<ManifestTree> {
    if (this.tree !== null) return Promise.resolve(this.tree);
    this.loading ??= (async () => {
      const bytes = await this.get(this.manifestUrl);
      const manifest = checkManifest(JSON.parse(new TextDecoder().decode(bytes)));
      this.tree = new ManifestTree(buildTree(manifest), this.dev);
      return this.tree;
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  openRoot(out: Ref<FsHandle | null>): MaybePromise<Errno> {
    if (this.tree !== null) return this.tree.openRoot(out);
    return this.load().then((t) => t.openRoot(out), () => Errno.IO);
  }

  private get t(): ManifestTree {
    // Every other call takes a handle, which only openRoot (after the manifest) hands out.
    return this.tree as ManifestTree;
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    return this.t.statAt(dir, name, out);
  }
  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    return this.t.openAt(dir, name, flags, out);
  }
  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    return this.t.readlinkAt(dir, name, out);
  }
  mkdirAt(dir: FsHandle, name: string): Errno {
    return this.t.mkdirAt(dir, name);
  }
  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    return this.t.symlinkAt(target, dir, name);
  }
  unlinkAt(dir: FsHandle, name: string): Errno {
    return this.t.unlinkAt(dir, name);
  }
  rmdirAt(dir: FsHandle, name: string): Errno {
    return this.t.rmdirAt(dir, name);
  }
  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.t.renameAt(oldDir, oldName, newDir, newName);
  }
  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.t.linkAt(oldDir, oldName, newDir, newName);
  }
  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    return this.t.setTimesAt(dir, name, atim, mtim);
  }
  typeOf(h: FsHandle): Filetype {
    return (h as TreeHandle).node.filetype;
  }
  close(): void {}
  stat(h: FsHandle, out: FileStat): Errno {
    return this.t.stat(h, out);
  }
  write(): number {
    return -Errno.ROFS;
  }
  truncate(): Errno {
    return Errno.ROFS;
  }
  setTimes(): Errno {
    return Errno.ROFS;
  }
  sync(): Errno {
    return Errno.SUCCESS;
  }
  allocate(): Errno {
    return Errno.ROFS;
  }
  readdir(h: FsHandle, out: DirEntry[]): Errno {
    return this.t.readdir(h, out);
  }

  /**
   * Reads from the cache when it holds the bytes (synchronously), else fetches: a small file whole, a large one
   * the range piece holding `position` (a read may then be short: it ends at the piece's end, as POSIX allows).
   */
  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): MaybePromise<number> {
    const node = (h as TreeHandle).node;
    if (node.filetype === Filetype.DIRECTORY) return -Errno.ISDIR;
    if (node.filetype !== Filetype.REGULAR_FILE) return -Errno.INVAL;
    if (position >= node.size || len === 0) return 0;
    const whole = node.size <= this.wholeFileBytes;
    const piece = whole ? 0 : Math.floor(position / this.chunkBytes);
    const pieceStart = piece * this.chunkBytes;
    const key = `${node.ino}:${piece}`;
    const copy = (bytes: Uint8Array): number => {
      const from = position - pieceStart;
      const n = Math.min(len, bytes.length - from);
      if (n <= 0) return 0;
      buf.set(bytes.subarray(from, from + n), off);
      return n;
    };
    const hit = this.cache.get(key);
    if (hit !== undefined) {
      this.stats.cacheHits++;
      this.cache.delete(key);
      this.cache.set(key, hit);
      return copy(hit);
    }
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      const end = whole ? node.size : Math.min(node.size, pieceStart + this.chunkBytes);
      pending = (whole ? this.get(`${this.base}/${node.path}`) : this.getRange(`${this.base}/${node.path}`, pieceStart, end))
        .then((bytes) => {
          if (bytes.length !== end - pieceStart) throw new Error('size differs from the manifest');
          this.remember(key, bytes);
          return bytes;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    return pending.then(copy, () => -Errno.IO);
  }

  private remember(key: string, bytes: Uint8Array): void {
    if (bytes.length > this.cacheBytes) return;
    this.cache.set(key, bytes);
    this.cached += bytes.length;
    for (const [k, v] of this.cache) {
      if (this.cached <= this.cacheBytes) break;
      this.cache.delete(k);
      this.cached -= v.length;
    }
  }

  private async get(url: string, headers?: Record<string, string>): Promise<Uint8Array> {
    this.stats.requests++;
    const res = await this.fetchFn(url, { headers: { ...this.headers, ...headers } });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    this.stats.bytesFetched += bytes.length;
    return bytes;
  }

  /** Bytes [start, end) of `url` by a range request; a server that ignores ranges sends it all, and we slice. */
  private async getRange(url: string, start: number, end: number): Promise<Uint8Array> {
    this.stats.rangeRequests++;
    this.stats.requests++;
    const res = await this.fetchFn(url, { headers: { ...this.headers, Range: `bytes=${start}-${end - 1}` } });
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    this.stats.bytesFetched += bytes.length;
    return res.status === 206 ? bytes : bytes.subarray(start, end);
  }
}
