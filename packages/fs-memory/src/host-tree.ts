/**
 * Copying between a host directory and a `MemoryFileSystem` (ambient authority, asked for by name: the only
 * file of this package that touches the host). Regular files, directories and symlinks are copied, with atime
 * and mtime (ctime is the copy's own); hard links stay hard links (by host inode on the way in, by memory inode
 * on the way out). Other host file types (fifos, sockets, devices) are skipped. Host names are read as UTF-8.
 * Host errors throw: these are setup calls, not guest calls.
 *
 * Budgets (docs/security.md): nothing recurses on the tree's depth (an explicit stack; on Linux one host
 * directory fd at a time, reached through `/proc/self/fd`, so trees deeper than PATH_MAX work); file data moves
 * in 64 KiB chunks, and all-zero chunks are holes on both sides (a sparse file stays sparse, no whole-file
 * buffer); an export that fails removes what it wrote, or says what it left.
 */
import * as hostFs from 'node:fs';
import { join } from 'node:path';
import { escapeText, linkTargetMayLeave, quoteText, type FsHandle } from '@vos/core';
import { TreeBuilder } from './builder';
import { DirInode, FileInode, SymlinkInode, type Inode } from './inode';
import type { MemoryFileSystem } from './memory-file-system';

const BIGINT = { bigint: true } as const;
const CHUNK = 64 * 1024;
const ZEROS = new Uint8Array(CHUNK);
const { O_RDONLY, O_DIRECTORY, O_NOFOLLOW, O_WRONLY, O_CREAT, O_EXCL } = hostFs.constants;
const DIR_OPEN = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

/** Whether `/proc/self/fd/<fd>/name` reaches names inside the directory open as `fd` (Linux). */
let procFd: boolean | undefined;
function useProcFd(): boolean {
  if (procFd === undefined) {
    try {
      procFd = hostFs.statSync('/proc/self/fd').isDirectory();
    } catch {
      procFd = false;
    }
  }
  return procFd;
}

function isZero(chunk: Uint8Array): boolean {
  return Buffer.compare(chunk, ZEROS.subarray(0, chunk.length)) === 0;
}

/**
 * Where a walk of a host tree is: one open directory fd, and names resolved in it. With `/proc/self/fd` the
 * host path of a name never grows with depth; without it, names are joined to the directory's full path.
 */
class HostCursor {
  private fd: number;
  private readonly paths: string[];
  private readonly proc = useProcFd();

  constructor(root: string) {
    this.fd = hostFs.openSync(root, DIR_OPEN);
    this.paths = [root];
  }

  /** A host path naming `name` in the current directory (`.` is the directory itself). */
  at(name: string): string {
    if (this.proc) return name === '.' ? `/proc/self/fd/${this.fd}` : `/proc/self/fd/${this.fd}/${name}`;
    const dir = this.paths[this.paths.length - 1];
    return name === '.' ? dir : join(dir, name);
  }

  /** Descends into directory `name` of the current directory. */
  enter(name: string): void {
    const next = hostFs.openSync(this.at(name), DIR_OPEN);
    this.paths.push(join(this.paths[this.paths.length - 1], name));
    hostFs.closeSync(this.fd);
    this.fd = next;
  }

  leave(): void {
    const up = hostFs.openSync(this.at('..'), DIR_OPEN);
    this.paths.pop();
    hostFs.closeSync(this.fd);
    this.fd = up;
  }

  close(): void {
    if (this.fd >= 0) hostFs.closeSync(this.fd);
    this.fd = -1;
  }
}

// ---- host -> memory ----

/** Adds the contents of host directory `hostPath` to the root of `fs`; the root takes the host dir's times. */
export function populateFromHost(fs: MemoryFileSystem, hostPath: string): void {
  const build = new TreeBuilder(fs, 'fromHostDirectory');
  // Host (dev:ino) of a multiply-linked file -> where its first name went, for linkAt (that directory's handle
  // is kept open until the end).
  const linked = new Map<string, { dir: FsHandle; name: string }>();
  const kept = new Set<FsHandle>();
  const cursor = new HostCursor(hostPath);
  const stack: { dir: FsHandle; names: string[]; next: number; prefix: string }[] = [];
  const buf = new Uint8Array(CHUNK);
  try {
    const root = build.root();
    stack.push({ dir: root, names: hostFs.readdirSync(cursor.at('.')), next: 0, prefix: '' });
    while (stack.length > 0) {
      const f = stack[stack.length - 1];
      if (f.next >= f.names.length) {
        stack.pop();
        if (stack.length > 0) {
          cursor.leave();
          const parent = stack[stack.length - 1];
          const name = parent.names[parent.next - 1];
          const st = hostFs.statSync(cursor.at(name), BIGINT);
          build.times(parent.dir, name, st.atimeNs, st.mtimeNs, f.prefix.slice(0, -1));
        }
        if (!kept.has(f.dir)) build.close(f.dir);
        continue;
      }
      const name = f.names[f.next++];
      const path = f.prefix + name;
      const at = cursor.at(name);
      const st = hostFs.lstatSync(at, BIGINT);
      if (st.isDirectory()) {
        const sub = build.mkdir(f.dir, name, path);
        cursor.enter(name);
        stack.push({ dir: sub, names: hostFs.readdirSync(cursor.at('.')), next: 0, prefix: path + '/' });
        continue; // its times are set when it is left (filling it changes them)
      } else if (st.isSymbolicLink()) {
        build.symlink(f.dir, name, hostFs.readlinkSync(at), path);
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1n ? linked.get(key) : undefined;
        if (first !== undefined) {
          build.link(first.dir, first.name, f.dir, name, path);
          continue; // times are the inode's, already set
        }
        copyFileIn(build, f.dir, name, at, st.size, path, buf);
        if (st.nlink > 1n) {
          linked.set(key, { dir: f.dir, name });
          kept.add(f.dir);
        }
      } else {
        continue;
      }
      build.times(f.dir, name, st.atimeNs, st.mtimeNs, path);
    }
    const st = hostFs.statSync(hostPath, BIGINT);
    const r = build.root();
    build.times(r, '.', st.atimeNs, st.mtimeNs, '.');
    build.close(r);
  } finally {
    cursor.close();
    for (const f of stack) if (!kept.has(f.dir)) build.close(f.dir);
    for (const h of kept) build.close(h);
  }
}

/** Streams one host file in: its size first (a quota or size limit fails before any byte), then non-zero chunks. */
function copyFileIn(build: TreeBuilder, dir: FsHandle, name: string, hostPath: string, size: bigint, path: string, buf: Uint8Array): void {
  const h = build.create(dir, name, path);
  const fd = hostFs.openSync(hostPath, O_RDONLY | O_NOFOLLOW);
  try {
    build.truncate(h, size, path);
    for (let pos = 0; ; ) {
      const n = hostFs.readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      const chunk = buf.subarray(0, n);
      if (!isZero(chunk)) build.write(h, chunk, pos, path);
      pos += n;
    }
  } finally {
    hostFs.closeSync(fd);
    build.close(h);
  }
}

// ---- memory -> host ----

/**
 * Writes the tree of `fs` into host directory `hostPath` (created if missing; existing names in it make this
 * throw EEXIST rather than be overwritten). Read straight from the inodes: no atime in `fs` is touched.
 * Host times are set with µs precision (Node takes seconds as a double). On failure what was written is removed
 * again and the error says so; if even that fails, the error names what was left behind.
 *
 * Unless `allowOutsideSymlinks`, a symlink whose target could lead outside `hostPath` (`linkTargetMayLeave`, the
 * rule for a guest's links on a host directory) makes it throw (code EPERM) before anything is written.
 */
export function exportToHost(fs: MemoryFileSystem, hostPath: string, allowOutsideSymlinks: boolean): void {
  if (!allowOutsideSymlinks) {
    const bad = linkLeaving(fs.rootInode());
    if (bad !== null) {
      throw Object.assign(
        new Error(
          `toHostDirectory: ${escapeText(bad.path)}: symlink target ${quoteText(bad.target)} could lead outside ${hostPath}` +
          ` (absolute, or climbing with '..' further than a later move of its directory keeps inside); nothing was` +
          ` written (allowOutsideSymlinks: true writes such links)`,
        ),
        { code: 'EPERM' },
      );
    }
  }
  const madeRoot = !hostFs.existsSync(hostPath);
  hostFs.mkdirSync(hostPath, { recursive: true });
  const written: string[] = []; // top-level names created, for the cleanup
  const cursor = new HostCursor(hostPath);
  let failedAt = '';
  try {
    const root = fs.rootInode();
    copyOut(root, cursor, written, (p) => (failedAt = p));
    cursor.close();
    hostFs.utimesSync(hostPath, nsToSeconds(root.atim), nsToSeconds(root.mtim));
  } catch (err) {
    cursor.close();
    const left = cleanUp(hostPath, written, madeRoot);
    const what = (err as Error).message;
    throw Object.assign(
      new Error(`toHostDirectory: ${failedAt === '' ? hostPath : failedAt}: ${what}; ${left === null ? 'nothing written was left behind' : `a partial tree was left at ${left}`}`),
      { code: (err as { code?: string }).code, cause: err },
    );
  }
}

/** The first symlink (depth first) whose target could lead outside the tree once written to a host directory. */
function linkLeaving(root: DirInode): { path: string; target: string } | null {
  const stack: { dir: DirInode; prefix: string }[] = [{ dir: root, prefix: '' }];
  while (stack.length > 0) {
    const { dir, prefix } = stack.pop() as { dir: DirInode; prefix: string };
    for (const [name, node] of dir.entries) {
      if (node instanceof DirInode) stack.push({ dir: node, prefix: `${prefix}${name}/` });
      else if (node instanceof SymlinkInode && linkTargetMayLeave(node.target, dir === root)) {
        return { path: prefix + name, target: node.target };
      }
    }
  }
  return null;
}

function copyOut(root: DirInode, cursor: HostCursor, written: string[], at: (path: string) => void): void {
  const linkedTo = new Map<Inode, string>();
  const stack: { dir: DirInode; entries: [string, Inode][]; next: number; prefix: string }[] = [
    { dir: root, entries: [...root.entries], next: 0, prefix: '' },
  ];
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.next >= f.entries.length) {
      stack.pop();
      if (stack.length > 0) {
        cursor.leave();
        const parent = stack[stack.length - 1];
        const name = parent.entries[parent.next - 1][0];
        hostFs.utimesSync(cursor.at(name), nsToSeconds(f.dir.atim), nsToSeconds(f.dir.mtim));
      }
      continue;
    }
    const [name, node] = f.entries[f.next++];
    const path = f.prefix + name;
    at(path);
    const hostPath = cursor.at(name);
    if (node instanceof DirInode) {
      hostFs.mkdirSync(hostPath);
      if (stack.length === 1) written.push(name);
      cursor.enter(name);
      stack.push({ dir: node, entries: [...node.entries], next: 0, prefix: path + '/' });
      continue;
    }
    if (node instanceof SymlinkInode) {
      hostFs.symlinkSync(node.target, hostPath);
      if (stack.length === 1) written.push(name);
      hostFs.lutimesSync(hostPath, nsToSeconds(node.atim), nsToSeconds(node.mtim));
      continue;
    }
    const first = linkedTo.get(node);
    if (first !== undefined) {
      hostFs.linkSync(first, hostPath);
      if (stack.length === 1) written.push(name);
      continue;
    }
    writeFileOut((node as FileInode).data.view(), hostPath, () => {
      if (stack.length === 1) written.push(name);
    });
    hostFs.utimesSync(hostPath, nsToSeconds(node.atim), nsToSeconds(node.mtim));
    // A later name of the same inode links to this one: by a path that stays valid (not through our cursor fd).
    if (node.nlink > 1) linkedTo.set(node, hostFs.realpathSync(hostPath));
  }
}

/** Writes `data` to a new host file in 64 KiB chunks; all-zero chunks are skipped (holes), the size set last. */
function writeFileOut(data: Uint8Array, hostPath: string, created: () => void): void {
  const fd = hostFs.openSync(hostPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o666);
  created();
  try {
    for (let pos = 0; pos < data.length; pos += CHUNK) {
      const chunk = data.subarray(pos, Math.min(pos + CHUNK, data.length));
      if (isZero(chunk)) continue;
      for (let done = 0; done < chunk.length; ) done += hostFs.writeSync(fd, chunk, done, chunk.length - done, pos + done);
    }
    hostFs.ftruncateSync(fd, data.length);
  } finally {
    hostFs.closeSync(fd);
  }
}

/** Removes what a failed export wrote; null when all of it is gone, else the host path still holding some. */
function cleanUp(hostPath: string, written: string[], madeRoot: boolean): string | null {
  try {
    for (const name of written) hostFs.rmSync(join(hostPath, name), { recursive: true, force: true });
    if (madeRoot) hostFs.rmdirSync(hostPath);
    return null;
  } catch {
    return hostPath;
  }
}

/** ns since the epoch as the seconds Node's utimes takes, exact to the µs a double can carry. */
function nsToSeconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}
