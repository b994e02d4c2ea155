import { escapeText } from '@vos/core';
import type { OverlayMount } from './compose';

/**
 * `--diff`: what the guest did to each overlay, relative to the host directory under it, in the letters of
 * `git status --short` (A created, M modified, D deleted), one guest path per line, escaped as `escapeText`
 * does (`\\n`, `\\u001b`...). A directory the guest
 * created is listed with everything in it; a deleted one only once. A path replaced by another kind of file
 * shows as D then A.
 */
export function formatDiff(overlays: readonly OverlayMount[]): string {
  let out = '';
  for (const { guest, fs } of overlays) {
    if (fs === null) continue; // never composed (the run failed before the guest started)
    const { created, modified, deleted, truncated } = fs.changes();
    const total = created.length + modified.length + deleted.length;
    const head = escapeText(guest);
    out += `--- ${head}: ${total === 0 ? 'no changes' : `${created.length} created, ${modified.length} modified, ${deleted.length} deleted`}\n`;
    // Names are the guest's: escaped, so no name can end its line early, start another, or move the cursor.
    const at = (p: string): string => escapeText(guest === '/' ? `/${p}` : `${guest}/${p}`);
    for (const p of deleted) out += `D ${at(p)}\n`;
    for (const p of modified) out += `M ${at(p)}\n`;
    for (const p of created) out += `A ${at(p)}\n`;
    if (truncated) out += `... (${head}: more changes than --diff lists; the listing stops at 64 MiB of paths)\n`;
  }
  return out;
}
