/**
 * The manifest of a tree served over HTTP(S): every name, type, size, time and link target, so that listing and
 * stat'ing need no request, and file bytes are fetched only when a guest reads them. `vos manifest DIR` writes
 * one (`writeManifest`); any static server then serves DIR with `index.json` next to it.
 *
 * ```json
 * { "format": "vos-http-tree", "version": 1,
 *   "root": { "type": "dir", "mtime": "1700000000000000000", "entries": {
 *     "hello.txt": { "type": "file", "size": 11, "mtime": "1700000000000000000" },
 *     "lib": { "type": "dir", "mtime": "...", "entries": { ... } },
 *     "latest": { "type": "symlink", "target": "lib", "mtime": "..." } } } }
 * ```
 * Times are nanoseconds since the epoch, as decimal strings (JSON numbers lose precision past 2^53).
 */
export type ManifestEntry =
  | { readonly type: 'file'; readonly size: number; readonly mtime?: string }
  | { readonly type: 'dir'; readonly entries: { readonly [name: string]: ManifestEntry }; readonly mtime?: string }
  | { readonly type: 'symlink'; readonly target: string; readonly mtime?: string };

export interface Manifest {
  readonly format: 'vos-http-tree';
  readonly version: 1;
  readonly root: ManifestEntry & { readonly type: 'dir' };
}

export const MANIFEST_FORMAT = 'vos-http-tree';
/** The manifest's file name next to the tree (`vos manifest DIR > DIR/index.json`). */
export const MANIFEST_NAME = 'index.json';

/** Checks the shape of a parsed manifest; throws a message naming the first bad entry. */
export function checkManifest(value: unknown): Manifest {
  const m = value as Manifest;
  if (m === null || typeof m !== 'object' || m.format !== MANIFEST_FORMAT || m.version !== 1) {
    throw new Error(`vos: not a ${MANIFEST_FORMAT} manifest (version 1)`);
  }
  const stack: [string, ManifestEntry][] = [['/', m.root]];
  if (m.root?.type !== 'dir') throw new Error('vos: manifest root must be a directory');
  while (stack.length > 0) {
    const [path, e] = stack.pop() as [string, ManifestEntry];
    if (e === null || typeof e !== 'object') throw new Error(`vos: manifest entry ${path} is not an object`);
    if (e.mtime !== undefined && !/^\d+$/.test(e.mtime)) throw new Error(`vos: manifest entry ${path}: mtime must be a decimal string`);
    if (e.type === 'file') {
      if (!Number.isSafeInteger(e.size) || e.size < 0) throw new Error(`vos: manifest entry ${path}: bad size`);
    } else if (e.type === 'symlink') {
      if (typeof e.target !== 'string' || e.target.length === 0) throw new Error(`vos: manifest entry ${path}: bad symlink target`);
    } else if (e.type === 'dir') {
      if (e.entries === null || typeof e.entries !== 'object') throw new Error(`vos: manifest entry ${path}: entries missing`);
      for (const [name, child] of Object.entries(e.entries)) {
        if (name === '' || name === '.' || name === '..' || name.includes('/') || name.includes('\0')) {
          throw new Error(`vos: manifest entry ${path}: bad name ${JSON.stringify(name)}`);
        }
        stack.push([path === '/' ? `/${name}` : `${path}/${name}`, child]);
      }
    } else {
      throw new Error(`vos: manifest entry ${path}: unknown type`);
    }
  }
  return m;
}
