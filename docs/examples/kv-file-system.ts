import { StoreFileSystem, type PathStore } from '@vos/core';

/**
 * A writable filesystem over a key-value store (here a Map; a database client has the same shape): each file's
 * bytes under its path, each directory a key ending in `/`. Renames, links and times are not supported (the
 * adapter answers their errnos).
 */
export class KeyValueFileSystem extends StoreFileSystem {
  constructor(readonly kv = new Map<string, Uint8Array>()) {
    const store: PathStore = {
      stat: (path) => (path === '' || kv.has(`${path}/`) ? { type: 'directory' } : kv.has(path) ? { type: 'file', size: kv.get(path)!.length } : undefined),
      read: (path) => kv.get(path)!,
      list: (dir) => [...kv.keys()]
        .filter((k) => k !== `${dir}/` && k.startsWith(dir === '' ? '' : `${dir}/`))
        .map((k) => k.slice(dir === '' ? 0 : dir.length + 1))
        .filter((rest) => !rest.slice(0, -1).includes('/'))
        .map((rest) => rest.replace(/\/$/, '')),
      write: (path, data) => void kv.set(path, data),
      mkdir: (path) => void kv.set(`${path}/`, new Uint8Array(0)),
      remove: (path) => void (kv.delete(path) || kv.delete(`${path}/`)),
    };
    super(store);
  }
}
