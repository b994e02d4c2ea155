/**
 * A tree kept in IndexedDB, for browsers or contexts without OPFS: one database per store (`vos-tree:<name>`),
 * one record per entry keyed by its path, written in one transaction per save (so a save is all or nothing).
 */
import { byDepth, type TreeStore } from './store';
import { validatePath, type TreeDiff, type TreeEntry } from './tree-io';

interface Row {
  path: string;
  kind: 'dir' | 'file' | 'symlink';
  data?: Uint8Array;
  target?: string;
  mtim: string;
  atim: string;
}

const OBJECTS = 'entries';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

export function indexedDbAvailable(): boolean {
  return typeof indexedDB !== 'undefined';
}

export class IndexedDbStore implements TreeStore {
  readonly kind = 'indexeddb';

  private constructor(
    readonly name: string,
    private readonly db: IDBDatabase,
  ) {}

  static async open(name: string): Promise<IndexedDbStore> {
    validatePath(name);
    const req = indexedDB.open(`vos-tree:${name}`, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore(OBJECTS, { keyPath: 'path' });
    };
    return new IndexedDbStore(name, await request(req));
  }

  async load(): Promise<TreeEntry[]> {
    const tx = this.db.transaction(OBJECTS, 'readonly');
    const rows = (await request(tx.objectStore(OBJECTS).getAll())) as Row[];
    return rows.map(fromRow).sort(byDepth);
  }

  async save(diff: TreeDiff): Promise<void> {
    const tx = this.db.transaction(OBJECTS, 'readwrite');
    const objects = tx.objectStore(OBJECTS);
    for (const e of diff.removed) objects.delete(e.path);
    // An entry only read since (`accessed`) is put whole too: a record is one value, its bytes included.
    for (const e of [...diff.added, ...diff.modified, ...(diff.accessed ?? [])]) objects.put(toRow(e));
    await done(tx);
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(OBJECTS, 'readwrite');
    tx.objectStore(OBJECTS).clear();
    await done(tx);
  }

  /** Closes the database connection (a later `open` reopens it). */
  close(): void {
    this.db.close();
  }
}

function toRow(e: TreeEntry): Row {
  const row: Row = { path: e.path, kind: e.kind, mtim: String(e.mtim), atim: String(e.atim) };
  if (e.kind === 'file') row.data = e.data;
  if (e.kind === 'symlink') row.target = e.target;
  return row;
}

function fromRow(r: Row): TreeEntry {
  const times = { mtim: BigInt(r.mtim), atim: BigInt(r.atim) };
  if (r.kind === 'file') return { path: r.path, kind: 'file', data: r.data ?? new Uint8Array(0), ...times };
  if (r.kind === 'symlink') return { path: r.path, kind: 'symlink', target: r.target ?? '', ...times };
  return { path: r.path, kind: 'dir', ...times };
}
