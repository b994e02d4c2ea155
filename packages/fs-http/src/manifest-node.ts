import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MANIFEST_FORMAT, MANIFEST_NAME, type Manifest, type ManifestEntry } from './manifest';

/**
 * The manifest of host directory `dir`, read without following symlinks (a link is listed as a link). The
 * root's own `index.json` is left out (it is the manifest itself when written with `> DIR/index.json`).
 * Iterative, so a deep tree cannot overflow the stack.
 */
export function writeManifest(dir: string): Manifest {
  const mtime = (st: { mtimeNs: bigint }): string => st.mtimeNs.toString();
  const rootStat = lstatSync(dir, { bigint: true });
  if (!rootStat.isDirectory()) throw new Error(`vos: ${dir} is not a directory`);
  const root: { type: 'dir'; mtime: string; entries: Record<string, ManifestEntry> } = { type: 'dir', mtime: mtime(rootStat), entries: {} };
  const stack: [string, Record<string, ManifestEntry>, boolean][] = [[dir, root.entries, true]];
  while (stack.length > 0) {
    const [path, entries, isRoot] = stack.pop() as [string, Record<string, ManifestEntry>, boolean];
    for (const name of readdirSync(path).sort()) {
      if (isRoot && name === MANIFEST_NAME) continue;
      const full = join(path, name);
      const st = lstatSync(full, { bigint: true });
      if (st.isSymbolicLink()) entries[name] = { type: 'symlink', target: readlinkSync(full), mtime: mtime(st) };
      else if (st.isDirectory()) {
        const sub: Record<string, ManifestEntry> = {};
        entries[name] = { type: 'dir', mtime: mtime(st), entries: sub };
        stack.push([full, sub, false]);
      } else if (st.isFile()) entries[name] = { type: 'file', size: Number(st.size), mtime: mtime(st) };
      // Sockets, FIFOs and devices cannot be served over HTTP: left out.
    }
  }
  return { format: MANIFEST_FORMAT, version: 1, root };
}
