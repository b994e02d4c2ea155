/**
 * The rule for symlinks a guest leaves where the host's own users and tools will find them: on a host
 * directory (`NodeFileSystem`) and in a memory tree exported to one (`MemoryFileSystem.toHostDirectory`).
 * Those tools follow links with the kernel, not with vos's walker, so a link whose target leads out of the
 * directory is a hazard for them even though the guest can never follow it out (docs/security.md, "Symlinks
 * out of a host directory"; docs/decisions.md, "Budgets").
 *
 * Judged on the target's text, once, when the link is made (or moved, or exported), so it must hold whatever
 * the guest renames later. The root of the tree is the one directory a guest can never move or rename; every
 * other directory always has a parent inside the tree, wherever it is moved. So:
 * - an absolute target may lead anywhere;
 * - `..` after a name (`a/..`) climbs from wherever `a` points if `a` is, or later becomes, a link;
 * - a link in a subdirectory may climb once (`../x` lands at worst in the root); two climbs (`../../x`) land
 *   inside only while the link's directory stays deep enough, and moving it to the top takes them out;
 * - a link in the root may not climb at all.
 * A target without `..` only ever descends from the link's own directory, and stays inside wherever that
 * directory goes.
 */
export function linkTargetMayLeave(target: string, inRoot: boolean): boolean {
  if (target.charCodeAt(0) === 0x2f) return true;
  if (!target.includes('..')) return false;
  let climbs = 0;
  let named = false;
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..') named = true;
    else if (named || inRoot || ++climbs > 1) return true;
  }
  return false;
}
