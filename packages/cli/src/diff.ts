import type { OverlayMount } from './compose';

/**
 * `--diff`: what the guest did to each overlay, relative to the host directory under it, in the letters of
 * `git status --short` (A created, M modified, D deleted), one guest path per line. A directory the guest
 * created is listed with everything in it; a deleted one only once. A path replaced by another kind of file
 * shows as D then A.
 */
export function formatDiff(overlays: readonly OverlayMount[]): string {
  let out = '';
  for (const { guest, fs } of overlays) {
    if (fs === null) continue; // never composed (the run failed before the guest started)
    const { created, modified, deleted } = fs.changes();
    const total = created.length + modified.length + deleted.length;
    out += `--- ${guest}: ${total === 0 ? 'no changes' : `${created.length} created, ${modified.length} modified, ${deleted.length} deleted`}\n`;
    const at = (p: string): string => (guest === '/' ? `/${p}` : `${guest}/${p}`);
    for (const p of deleted) out += `D ${at(p)}\n`;
    for (const p of modified) out += `M ${at(p)}\n`;
    for (const p of created) out += `A ${at(p)}\n`;
  }
  return out;
}
