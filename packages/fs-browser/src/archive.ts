/**
 * A tree in and out of a zip archive or a list of `File`s (drag and drop a folder in, download the results).
 * Zip through fflate (synchronous, no worker needed, 8 kB); symlinks travel as Unix symlink entries (mode
 * 0120000 in the external attributes, the target as the data, as Info-ZIP writes them), which fflate writes but
 * does not report on reading, so the central directory is read here for the modes and times.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import type { FileSystem } from '@vos/core';
import { readTree, validatePath, writeTree, type ReadTreeLimits, type TreeEntry } from './tree-io';
import { byDepth } from './store';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The tree under the root of `fs` as a zip archive (deflated; directories and symlinks kept). */
export function exportZip(fs: FileSystem, limits?: ReadTreeLimits): Uint8Array {
  const files: Zippable = {};
  for (const e of readTree(fs, limits)) {
    const mtime = new Date(Number(e.mtim / 1_000_000n) || Date.now());
    if (e.kind === 'dir') files[e.path + '/'] = [new Uint8Array(0), { os: 3, attrs: (S_IFDIR | 0o755) << 16, mtime }];
    else if (e.kind === 'symlink') files[e.path] = [encoder.encode(e.target), { os: 3, attrs: (S_IFLNK | 0o777) << 16, mtime, level: 0 }];
    else files[e.path] = [e.data, { os: 3, attrs: (0o100644 << 16) >>> 0, mtime }];
  }
  return zipSync(files, { level: 6 });
}

export interface ImportLimits {
  /** Most entries (default 100 000). */
  readonly maxEntries?: number;
  /** Most bytes once uncompressed (default 1 GiB): a zip bomb stops here. */
  readonly maxBytes?: number;
  /**
   * Accept symlinks whose target is absolute or climbs out of the imported tree (default false: refused, as
   * Python's tarfile `data` filter does). Inside a vos sandbox such a link cannot escape the preopen anyway;
   * refusing it keeps an imported tree from pointing at whatever else the guest is given.
   */
  readonly allowOutsideLinks?: boolean;
}

/** Longest symlink target an archive may carry (Linux's PATH_MAX). */
const MAX_LINK_TARGET = 4096;

/**
 * The checks every archive import makes on its entries (sorted parents first) before writing any: no entry under
 * a symlink of the archive (the classic "symlink, then a file through it" escape; `writeTree` would refuse it
 * too, but only after writing what came before), and symlink targets not empty, without NUL, at most 4096 bytes
 * and, unless `allowOutsideLinks`, relative and inside the tree once resolved from the link's directory through
 * the archive's other symlinks (like Python's tarfile `data` filter; a loop, or more resolving than a budget
 * allows, is refused too).
 */
export function checkArchiveEntries(entries: readonly TreeEntry[], limits: ImportLimits, what: string): void {
  const links = new Map<string, string>();
  for (const e of entries) {
    for (let cut = e.path.indexOf('/'); cut >= 0; cut = e.path.indexOf('/', cut + 1)) {
      if (links.has(e.path.slice(0, cut))) throw new Error(`${what}: ${JSON.stringify(e.path)} is under the symlink ${JSON.stringify(e.path.slice(0, cut))}`);
    }
    if (e.kind !== 'symlink') continue;
    const t = e.target;
    if (t === '' || t.includes('\0') || encoder.encode(t).length > MAX_LINK_TARGET) {
      throw new Error(`${what}: symlink ${JSON.stringify(e.path)} has a bad target ${JSON.stringify(t.slice(0, 100))}`);
    }
    links.set(e.path, t);
  }
  if (limits.allowOutsideLinks === true) return;
  const budget = { chars: LINK_CHECK_BUDGET };
  for (const [path, target] of links) {
    const verdict = resolvesInside(path, target, links, budget);
    if (verdict === 'budget') throw new Error(`${what}: too many symlinks to check (allowOutsideLinks to accept them unchecked)`);
    if (verdict !== 'inside') throw new Error(`${what}: symlink ${JSON.stringify(path)} -> ${JSON.stringify(target)} ${verdict === 'loop' ? 'loops' : 'points outside the tree'} (allowOutsideLinks to accept it)`);
  }
}

/** Characters of path looked up while resolving an archive's symlinks, all links together. */
const LINK_CHECK_BUDGET = 1 << 26;
/** Symlinks followed while resolving one (Linux's ELOOP limit). */
const MAX_HOPS = 40;

/** Where the symlink at `path` leads, resolved lexically and through the archive's own `links`. */
function resolvesInside(path: string, target: string, links: ReadonlyMap<string, string>, budget: { chars: number }): 'inside' | 'outside' | 'loop' | 'budget' {
  const dir = path.split('/');
  dir.pop(); // from the link's directory
  const keys: string[] = [];
  for (const part of dir) keys.push(keys.length === 0 ? part : `${keys[keys.length - 1]}/${part}`);
  const pending = target.split('/').reverse();
  let hops = 0;
  if (target.startsWith('/')) return 'outside';
  while (pending.length > 0) {
    const part = pending.pop()!;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (keys.length === 0) return 'outside';
      keys.pop();
      continue;
    }
    const key = keys.length === 0 ? part : `${keys[keys.length - 1]}/${part}`;
    budget.chars -= key.length;
    if (budget.chars < 0) return 'budget';
    const next = links.get(key);
    if (next === undefined) {
      keys.push(key);
      continue;
    }
    if (++hops > MAX_HOPS) return 'loop';
    if (next.startsWith('/')) return 'outside';
    for (const p of next.split('/').reverse()) pending.push(p);
  }
  return 'inside';
}

/**
 * Unpacks a zip archive into `fs` under its root (existing files of the same names are replaced). Entry names
 * must be relative, without `..` (a path that would leave the tree is refused, as is an absolute one), and
 * symlinks pass `checkArchiveEntries`, all before anything is written. Returns the entries written.
 */
export function importZip(fs: FileSystem, zip: Uint8Array, limits: ImportLimits = {}): TreeEntry[] {
  const maxEntries = limits.maxEntries ?? 100_000;
  const maxBytes = limits.maxBytes ?? 1 << 30;
  const info = readCentralDirectory(zip);
  if (info.size > maxEntries) throw new Error(`importZip: more than ${maxEntries} entries`);
  let total = 0;
  const files = unzipSync(zip, {
    filter: (f) => {
      total += f.originalSize;
      if (total > maxBytes) throw new Error(`importZip: more than ${maxBytes} bytes uncompressed`);
      return true;
    },
  });
  const entries: TreeEntry[] = [];
  for (const [rawName, data] of Object.entries(files)) {
    const isDir = rawName.endsWith('/');
    const path = rawName.replace(/\/+$/, '');
    if (path === '') continue;
    if (path.startsWith('/')) throw new Error(`importZip: absolute path ${JSON.stringify(rawName)}`);
    validatePath(path);
    const meta = info.get(rawName);
    const mode = meta ? meta.mode : 0;
    const mtim = meta ? meta.mtimNs : 0n;
    const times = { mtim, atim: mtim };
    if (isDir || (mode & S_IFMT) === S_IFDIR) entries.push({ path, kind: 'dir', ...times });
    else if ((mode & S_IFMT) === S_IFLNK) entries.push({ path, kind: 'symlink', target: decoder.decode(data), ...times });
    else entries.push({ path, kind: 'file', data, ...times });
  }
  entries.sort(byDepth);
  checkArchiveEntries(entries, limits, 'importZip');
  writeTree(fs, entries);
  return entries;
}

/** Mode bits and modification time of each entry, from the zip's central directory. */
function readCentralDirectory(zip: Uint8Array): Map<string, { mode: number; mtimNs: bigint }> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('importZip: not a zip archive (no end of central directory)');
  const count = view.getUint16(eocd + 10, true);
  let at = view.getUint32(eocd + 16, true);
  const out = new Map<string, { mode: number; mtimNs: bigint }>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > zip.length || view.getUint32(at, true) !== 0x02014b50) throw new Error('importZip: corrupt central directory');
    const madeByOs = view.getUint8(at + 5);
    const time = view.getUint16(at + 12, true);
    const date = view.getUint16(at + 14, true);
    const nameLen = view.getUint16(at + 28, true);
    const extraLen = view.getUint16(at + 30, true);
    const commentLen = view.getUint16(at + 32, true);
    const external = view.getUint32(at + 38, true);
    const name = decoder.decode(zip.subarray(at + 46, at + 46 + nameLen));
    const ms = Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2);
    // fflate writes DOS times in local time; read them back the same way so a round trip keeps the time.
    const local = new Date(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2).getTime();
    out.set(name, { mode: madeByOs === 3 ? external >>> 16 : 0, mtimNs: BigInt(Number.isNaN(local) ? ms : local) * 1_000_000n });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** A file with the path it has in the tree (a dropped folder's `webkitRelativePath`, or any name you choose). */
export interface PathedBlob {
  readonly path: string;
  readonly blob: Blob;
}

/**
 * Writes files into `fs` under its root: `File`s from an `<input type=file webkitdirectory>` or a drop keep
 * their `webkitRelativePath` (else their name); `{ path, blob }` pairs go where they say. Parents are created.
 */
export async function importFiles(fs: FileSystem, files: Iterable<File | PathedBlob>, limits: ImportLimits = {}): Promise<TreeEntry[]> {
  const maxEntries = limits.maxEntries ?? 100_000;
  const maxBytes = limits.maxBytes ?? 1 << 30;
  const entries: TreeEntry[] = [];
  let total = 0;
  for (const f of files) {
    const path = 'blob' in f ? f.path : f.webkitRelativePath || f.name;
    const blob = 'blob' in f ? f.blob : f;
    validatePath(path);
    total += blob.size;
    if (entries.length >= maxEntries) throw new Error(`importFiles: more than ${maxEntries} files`);
    if (total > maxBytes) throw new Error(`importFiles: more than ${maxBytes} bytes`);
    const mtim = BigInt('lastModified' in blob ? (blob as File).lastModified : Date.now()) * 1_000_000n;
    entries.push({ path, kind: 'file', data: new Uint8Array(await blob.arrayBuffer()), mtim, atim: mtim });
  }
  entries.sort(byDepth);
  writeTree(fs, entries);
  return entries;
}

/** Every regular file under the root of `fs` as a `File` named by its path (symlinks and empty dirs are not files). */
export function exportFiles(fs: FileSystem, limits?: ReadTreeLimits): File[] {
  const out: File[] = [];
  for (const e of readTree(fs, limits)) {
    if (e.kind === 'file') out.push(new File([e.data as Uint8Array<ArrayBuffer>], e.path, { lastModified: Number(e.mtim / 1_000_000n) }));
  }
  return out;
}

/**
 * The files of a drop (`DataTransfer`), folders walked recursively (`webkitGetAsEntry`), each with its path
 * relative to what was dropped. For `importFiles`.
 */
export async function filesFromDrop(dt: DataTransfer): Promise<PathedBlob[]> {
  const out: PathedBlob[] = [];
  const stack: { entry: FileSystemEntry; prefix: string }[] = [];
  for (const item of Array.from(dt.items)) {
    const entry = item.webkitGetAsEntry?.();
    if (entry) stack.push({ entry, prefix: '' });
    else {
      const f = item.getAsFile();
      if (f) out.push({ path: f.name, blob: f });
    }
  }
  while (stack.length > 0) {
    const { entry, prefix } = stack.pop()!;
    const path = prefix + entry.name;
    if (entry.isFile) {
      const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
      out.push({ path, blob: file });
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) stack.push({ entry: child, prefix: path + '/' });
      }
    }
  }
  return out;
}
