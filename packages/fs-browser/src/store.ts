import type { TreeDiff, TreeEntry } from './tree-io';

/**
 * Where a persistent tree lives between page loads: an asynchronous store of `TreeEntry`s. `load` gives the
 * whole tree (parents before children); `save` applies a diff (entries added or modified are written, removed
 * ones deleted, the access times of `accessed` ones updated). Both may reject (quota exceeded, storage
 * disabled): the caller decides what the user sees.
 */
export interface TreeStore {
  /** 'opfs' or 'indexeddb': which browser storage holds the tree. */
  readonly kind: string;
  /** The store's name (several independent trees may live side by side). */
  readonly name: string;
  load(): Promise<TreeEntry[]>;
  save(diff: TreeDiff): Promise<void>;
  /** Deletes everything the store holds. */
  clear(): Promise<void>;
}

/** Parents before children, by path depth then path: the order `writeTree` and the stores' `load` need. */
export function byDepth(a: TreeEntry, b: TreeEntry): number {
  const da = a.path.split('/').length;
  const db = b.path.split('/').length;
  return da !== db ? da - db : a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}
