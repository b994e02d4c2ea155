import { StoreFileSystem, type StoreEntry } from '@vos/core';

/**
 * A read-only filesystem over a Map from paths to contents: `'docs/a.md' -> '# A'`. Directories are implied by
 * the paths below them; a key ending in `/` is an (empty) directory.
 */
export class MapFileSystem extends StoreFileSystem {
  constructor(files: ReadonlyMap<string, string | Uint8Array>) {
    const data = new Map([...files].map(([path, c]) => [path, typeof c === 'string' ? new TextEncoder().encode(c) : c]));
    const below = (dir: string) => [...data.keys()].filter((p) => dir === '' || p.startsWith(`${dir}/`)).map((p) => (dir === '' ? p : p.slice(dir.length + 1)));
    super({
      stat: (path): StoreEntry | undefined => {
        const file = data.get(path);
        if (file !== undefined && !path.endsWith('/')) return { type: 'file', size: file.length };
        return path === '' || below(path).length > 0 ? { type: 'directory' } : undefined;
      },
      read: (path) => data.get(path) ?? new Uint8Array(0),
      list: (dir) => new Set(below(dir).map((rest) => rest.split('/')[0]).filter((name) => name !== '')),
    });
  }
}
