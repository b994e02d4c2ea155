/**
 * A tree in and out of a tar archive (ustar, with pax extended headers; GNU long names are read too), through
 * modern-tar (web-standard, no dependencies; see docs/decisions.md). Its API is promise-based, so these two are
 * asynchronous where the zip pair is not; the archive is in memory either way.
 *
 * What travels: directories, regular files, symlinks, and times to the nanosecond (pax `mtime`/`atime` records,
 * as GNU tar --format=pax writes them, where the ustar field's whole seconds are not enough). Modes are
 * written as 0755 (directories), 0644 (files), 0777 (symlinks) and ignored on import: WASI has no permission
 * bits. A hard link in an archive becomes a copy of the file it names (a stored tree has no hard links, see
 * PersistentFileSystem); devices and FIFOs are skipped, as `readTree` skips them.
 */
import { packTar, unpackTar, type TarEntry, type TarHeader } from 'modern-tar';
import type { FileSystem } from '@vos/core';
import { checkArchiveEntries, type ImportLimits } from './archive';
import { byDepth } from './store';
import { readTree, validatePath, writeTree, type ReadTreeLimits, type TreeEntry } from './tree-io';

const NS_PER_S = 1_000_000_000n;

/** `ns` as pax writes a time: decimal seconds, with the nanoseconds after a dot when there are any. */
function paxTime(ns: bigint): string {
  const neg = ns < 0n;
  const abs = neg ? -ns : ns;
  const s = abs / NS_PER_S;
  const frac = abs % NS_PER_S;
  return `${neg ? '-' : ''}${s}${frac === 0n ? '' : '.' + frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
}

/** A pax time (`1700000000.123456789`, `-1.5`) to ns, exactly; null when it is not one. */
function parsePaxTime(v: string | undefined): bigint | null {
  if (v === undefined) return null;
  const m = /^(-?)(\d{1,15})(?:\.(\d{1,18}))?$/.exec(v);
  if (m === null) return null;
  const ns = BigInt(m[2]) * NS_PER_S + BigInt((m[3] ?? '').slice(0, 9).padEnd(9, '0'));
  return m[1] === '-' ? -ns : ns;
}

/** The tree under the root of `fs` as a tar archive (pax; directories and symlinks kept, times to the ns). */
export async function exportTar(fs: FileSystem, limits?: ReadTreeLimits): Promise<Uint8Array> {
  const entries: TarEntry[] = [];
  for (const e of readTree(fs, limits)) {
    // The ustar field has whole seconds (floored, as tar does); pax carries the exact times.
    const seconds = e.mtim >= 0n ? e.mtim / NS_PER_S : (e.mtim - NS_PER_S + 1n) / NS_PER_S;
    const header: TarHeader = {
      name: e.kind === 'dir' ? e.path + '/' : e.path,
      size: e.kind === 'file' ? e.data.length : 0,
      mtime: new Date(Number(seconds) * 1000),
      type: e.kind === 'dir' ? 'directory' : e.kind === 'symlink' ? 'symlink' : 'file',
      mode: e.kind === 'dir' ? 0o755 : e.kind === 'symlink' ? 0o777 : 0o644,
    };
    // Pax records only for what the ustar header cannot say (a fraction of a second, an atime of its own), so an
    // archive of whole-second times is plain ustar; modern-tar adds its own record for seconds out of range.
    const pax: Record<string, string> = {};
    if (e.mtim % NS_PER_S !== 0n) pax.mtime = paxTime(e.mtim);
    if (e.atim !== e.mtim) pax.atime = paxTime(e.atim);
    if (pax.mtime !== undefined || pax.atime !== undefined) header.pax = pax;
    if (e.kind === 'symlink') header.linkname = e.target;
    entries.push(e.kind === 'file' ? { header, body: e.data } : { header });
  }
  return packTar(entries);
}

/**
 * Unpacks a tar archive into `fs` under its root (existing files of the same names are replaced). Refused before
 * anything is written: a bad checksum or a truncated archive, an absolute name or one with `..`, more than
 * `maxEntries` entries or `maxBytes` of file data (hard-link copies included), an entry under a symlink of the
 * archive, a symlink whose target is absolute or leaves the tree (unless `allowOutsideLinks`), a hard link to
 * anything but an earlier regular file. A leading `./` is dropped (`tar -cf x.tar .` writes one). Returns the
 * entries written.
 */
export async function importTar(fs: FileSystem, tar: Uint8Array, limits: ImportLimits = {}): Promise<TreeEntry[]> {
  const maxEntries = limits.maxEntries ?? 100_000;
  const maxBytes = limits.maxBytes ?? 1 << 30;
  let count = 0;
  let total = 0;
  // Checked on each header, before its data is gathered: strict mode also checks every header's checksum.
  const parsed = await unpackTar(tar, {
    strict: true,
    filter: (h) => {
      if (++count > maxEntries) throw new Error(`importTar: more than ${maxEntries} entries`);
      if (h.type === 'file' || h.type === undefined) {
        total += h.size;
        if (total > maxBytes) throw new Error(`importTar: more than ${maxBytes} bytes of file data`);
      }
      return true;
    },
  });
  const files = new Map<string, Uint8Array>();
  const entries: TreeEntry[] = [];
  for (const { header: h, data } of parsed) {
    const path = entryPath(h.name);
    if (path === null) continue; // the archive's root itself (`./`)
    const mtim = parsePaxTime(h.pax?.mtime) ?? BigInt(h.mtime?.getTime() ?? 0) * 1_000_000n;
    const times = { mtim, atim: parsePaxTime(h.pax?.atime) ?? mtim };
    switch (h.type ?? 'file') {
      case 'directory':
        entries.push({ path, kind: 'dir', ...times });
        break;
      case 'file': {
        const bytes = data ?? new Uint8Array(0);
        files.set(path, bytes);
        entries.push({ path, kind: 'file', data: bytes, ...times });
        break;
      }
      case 'symlink':
        entries.push({ path, kind: 'symlink', target: h.linkname ?? '', ...times });
        break;
      case 'link': {
        const target = entryPath(h.linkname ?? '');
        const bytes = target === null ? undefined : files.get(target);
        if (bytes === undefined) throw new Error(`importTar: hard link ${JSON.stringify(h.name)} to ${JSON.stringify(h.linkname)}, which is not an earlier file of the archive`);
        total += bytes.length;
        if (total > maxBytes) throw new Error(`importTar: more than ${maxBytes} bytes of file data`);
        files.set(path, bytes);
        entries.push({ path, kind: 'file', data: bytes, ...times });
        break;
      }
      default:
        break; // devices, FIFOs: nothing a stored tree holds
    }
  }
  entries.sort(byDepth);
  checkArchiveEntries(entries, limits, 'importTar');
  writeTree(fs, entries);
  return entries;
}

/** An archive name as a tree path: `./` prefixes and a trailing slash dropped; null for the root itself. */
function entryPath(name: string): string | null {
  if (name.startsWith('/')) throw new Error(`importTar: absolute path ${JSON.stringify(name)}`);
  let path = name.replace(/\/+$/, '');
  while (path.startsWith('./')) path = path.slice(2).replace(/^\/+/, '');
  if (path === '' || path === '.') return null;
  try {
    validatePath(path);
  } catch {
    throw new Error(`importTar: bad path ${JSON.stringify(name)}`);
  }
  return path;
}
