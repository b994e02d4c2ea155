/**
 * A synchronous filesystem whose contents persist in browser storage. The guest works on an in-memory copy (any
 * synchronous `FileSystem`, by default a `MemoryFileSystem`), loaded from the store before the run; `flush()`
 * writes back what changed since the last load or flush, as one diff. This is emscripten's IDBFS model: every
 * syscall stays synchronous and at memory speed, on any page and any thread (no worker, no SharedArrayBuffer,
 * no JSPI needed), at the price of holding the tree in memory and of an explicit write-back point (the host
 * calls `flush()` after a run, or on a timer). See docs/browser.md.
 */
import { Errno, ForwardingFileSystem, type FileSystem, type FsHandle } from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';
import { IndexedDbStore, indexedDbAvailable } from './indexeddb-store';
import { OpfsStore, opfsAvailable } from './opfs-store';
import type { TreeStore } from './store';
import { diffTrees, readTree, writeTree, type TreeDiff, type TreeEntry } from './tree-io';

/**
 * The in-memory copy as the guest sees it: everything forwarded, except hard links, which a stored tree cannot
 * keep (its entries are paths, not inodes: two names of one file would come back as two files after a reload,
 * and a write through one would no longer show through the other). So `linkAt` is ENOTSUP and the capabilities
 * say `hardLinks: false`, as for OPFS, rather than links that silently split at the next load.
 */
class StoredTreeFileSystem extends ForwardingFileSystem {
  constructor(inner: FileSystem) {
    super(inner, { ...inner.capabilities, hardLinks: false });
  }

  override linkAt(_oldDir: FsHandle, _oldName: string, _newDir: FsHandle, _newName: string): Errno {
    return this.capabilities.readOnly ? Errno.ROFS : Errno.NOTSUP;
  }
}

/** The clock an in-memory copy stamps its files with (the `WASI` instance's clock, when mounted by factory). */
export type StampClock = { now(id: 0): bigint };

export interface PersistentOptions {
  /** Create the in-memory copy now, stamped by this clock (else it is created when `mount` is called). */
  readonly clock?: StampClock;
  /** Or load into this filesystem (any synchronous backend; it should start empty). */
  readonly fs?: FileSystem;
}

export class PersistentFileSystem {
  private saved: TreeEntry[] = [];
  private current: FileSystem | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly store: TreeStore,
    private loaded: TreeEntry[] | null,
  ) {}

  /**
   * Loads the tree that `store` holds. With `clock` or `fs`, the in-memory copy is made at once (`fs` is then
   * ready); without, mount it with `mounts: { '/home': persistent.mount }`, and the `WASI` instance creates it
   * stamped by its own clock (a fake one in deterministic mode).
   */
  static async open(store: TreeStore, options: PersistentOptions = {}): Promise<PersistentFileSystem> {
    const p = new PersistentFileSystem(store, await store.load());
    if (options.fs) p.attach(options.fs);
    else if (options.clock) p.attach(new MemoryFileSystem({ clock: options.clock }));
    return p;
  }

  /** A mount factory for `WASI`'s `mounts`: makes the in-memory copy with the instance's clock (once). */
  readonly mount = ({ clock }: { readonly clock: StampClock }): FileSystem =>
    this.current ?? this.attach(new MemoryFileSystem({ clock }));

  /** The synchronous filesystem the guest works on. Throws until it exists (see `open` and `mount`). */
  get fs(): FileSystem {
    if (this.current === null) throw new Error('vos: this persistent filesystem is not mounted yet (give a clock to open, or mount it)');
    return this.current;
  }

  private attach(inner: FileSystem): FileSystem {
    const fs = new StoredTreeFileSystem(inner);
    writeTree(fs, this.loaded ?? []);
    this.loaded = null;
    this.saved = readTree(fs);
    this.current = fs;
    return fs;
  }

  /**
   * Writes what changed since the last load or flush to the store and resolves to that diff. Flushes run one at
   * a time, in call order. On a rejection (quota, storage cleared) nothing is marked saved: the next flush
   * retries the whole difference.
   */
  flush(): Promise<Required<TreeDiff>> {
    const run = this.queue.then(async () => {
      const now = readTree(this.fs);
      const diff = diffTrees(this.saved, now);
      if (diff.added.length + diff.modified.length + diff.removed.length + diff.accessed.length > 0) await this.store.save(diff);
      this.saved = now;
      return diff;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

export type BrowserStoreKind = 'opfs' | 'indexeddb';

/**
 * Opens the store `name` in the best storage this page has: OPFS when present and usable, else IndexedDB.
 * `prefer` forces one (rejecting when it is unavailable).
 */
export async function openBrowserStore(name: string, prefer?: BrowserStoreKind): Promise<TreeStore> {
  if (prefer === 'opfs' || (prefer === undefined && (await opfsAvailable()))) return OpfsStore.open(name);
  if (prefer === 'indexeddb' || indexedDbAvailable()) return IndexedDbStore.open(name);
  throw new Error('vos: this page has neither OPFS nor IndexedDB');
}

/** `PersistentFileSystem.open(await openBrowserStore(name, prefer), options)`: mount it with `.mount`. */
export async function openPersistentFileSystem(
  name: string,
  options: PersistentOptions & { readonly prefer?: BrowserStoreKind } = {},
): Promise<PersistentFileSystem> {
  return PersistentFileSystem.open(await openBrowserStore(name, options.prefer), options);
}
