/**
 * A synchronous filesystem whose contents persist in browser storage. The guest works on an in-memory copy (any
 * synchronous `FileSystem`, by default a `MemoryFileSystem`), loaded from the store before the run; `flush()`
 * writes back what changed since the last load or flush, as one diff. This is emscripten's IDBFS model: every
 * syscall stays synchronous and at memory speed, on any page and any thread (no worker, no SharedArrayBuffer,
 * no JSPI needed), at the price of holding the tree in memory and of an explicit write-back point (the host
 * calls `flush()` after a run, or on a timer). See docs/browser.md.
 */
import type { FileSystem } from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';
import { IndexedDbStore, indexedDbAvailable } from './indexeddb-store';
import { OpfsStore, opfsAvailable } from './opfs-store';
import type { TreeStore } from './store';
import { diffTrees, readTree, writeTree, type TreeDiff, type TreeEntry } from './tree-io';

export interface PersistentOptions {
  /** The in-memory copy the guest works on (default: a fresh `MemoryFileSystem`). Must start empty. */
  readonly fs?: FileSystem;
}

export class PersistentFileSystem {
  private saved: TreeEntry[];
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly store: TreeStore,
    /** Mount this (it is a plain synchronous `FileSystem`). */
    readonly fs: FileSystem,
    saved: TreeEntry[],
  ) {
    this.saved = saved;
  }

  /** Loads the tree that `store` holds into a fresh in-memory filesystem. */
  static async open(store: TreeStore, options: PersistentOptions = {}): Promise<PersistentFileSystem> {
    const fs = options.fs ?? new MemoryFileSystem();
    writeTree(fs, await store.load());
    return new PersistentFileSystem(store, fs, readTree(fs));
  }

  /**
   * Writes what changed since the last load or flush to the store and resolves to that diff. Flushes run one at
   * a time, in call order. On a rejection (quota, storage cleared) nothing is marked saved: the next flush
   * retries the whole difference.
   */
  flush(): Promise<TreeDiff> {
    const run = this.queue.then(async () => {
      const now = readTree(this.fs);
      const diff = diffTrees(this.saved, now);
      if (diff.added.length + diff.modified.length + diff.removed.length > 0) await this.store.save(diff);
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

/** `PersistentFileSystem.open(await openBrowserStore(name, prefer))`. */
export async function openPersistentFileSystem(
  name: string,
  options: PersistentOptions & { readonly prefer?: BrowserStoreKind } = {},
): Promise<PersistentFileSystem> {
  return PersistentFileSystem.open(await openBrowserStore(name, options.prefer), options);
}
