/**
 * Copying between a host directory and a `MemoryFileSystem` (ambient authority, asked for by name: the only
 * file of this package that touches the host). Regular files, directories and symlinks are copied recursively,
 * with atime and mtime (ctime is the copy's own); hard links stay hard links (by host inode on the way in, by
 * memory inode on the way out). Other host file types (fifos, sockets, devices) are skipped. Host names are
 * read as UTF-8. Host errors throw: these are setup calls, not guest calls.
 */
import * as hostFs from 'node:fs';
import { join } from 'node:path';
import type { FsHandle } from '@vos/core';
import { TreeBuilder } from './builder';
import { DirInode, FileInode, SymlinkInode, type Inode } from './inode';
import type { MemoryFileSystem } from './memory-file-system';

const BIGINT = { bigint: true } as const;

/** Adds the contents of host directory `hostPath` to the root of `fs`; the root takes the host dir's times. */
export function populateFromHost(fs: MemoryFileSystem, hostPath: string): void {
  const build = new TreeBuilder(fs, 'fromHostDirectory');
  const root = build.root();
  // Host (dev:ino) of a multiply-linked file -> where its first name went, for linkAt.
  const linked = new Map<string, { dir: FsHandle; name: string }>();
  const open: FsHandle[] = [root];
  try {
    copyIn(build, root, hostPath, '', linked, open);
    const st = hostFs.statSync(hostPath, BIGINT);
    build.times(root, '.', st.atimeNs, st.mtimeNs, '.');
  } finally {
    for (const h of open) build.close(h);
  }
}

function copyIn(
  build: TreeBuilder,
  dir: FsHandle,
  hostDir: string,
  prefix: string,
  linked: Map<string, { dir: FsHandle; name: string }>,
  open: FsHandle[],
): void {
  for (const name of hostFs.readdirSync(hostDir)) {
    const hostPath = join(hostDir, name);
    const path = prefix + name;
    const st = hostFs.lstatSync(hostPath, BIGINT);
    if (st.isDirectory()) {
      const sub = build.mkdir(dir, name, path);
      open.push(sub); // kept open: a hard link found later may need this directory as its source
      copyIn(build, sub, hostPath, path + '/', linked, open);
    } else if (st.isSymbolicLink()) {
      build.symlink(dir, name, hostFs.readlinkSync(hostPath), path);
    } else if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1n ? linked.get(key) : undefined;
      if (first !== undefined) {
        build.link(first.dir, first.name, dir, name, path);
        continue; // times are the inode's, already set
      }
      build.file(dir, name, hostFs.readFileSync(hostPath), path);
      if (st.nlink > 1n) linked.set(key, { dir, name });
    } else {
      continue;
    }
    build.times(dir, name, st.atimeNs, st.mtimeNs, path);
  }
}

/**
 * Writes the tree of `fs` into host directory `hostPath` (created if missing; existing names in it make this
 * throw EEXIST rather than be overwritten). Read straight from the inodes: no atime in `fs` is touched.
 * Host times are set with µs precision (Node takes seconds as a double).
 */
export function exportToHost(fs: MemoryFileSystem, hostPath: string): void {
  hostFs.mkdirSync(hostPath, { recursive: true });
  const root = fs.rootInode();
  copyOut(root, hostPath, new Map());
  hostFs.utimesSync(hostPath, nsToSeconds(root.atim), nsToSeconds(root.mtim));
}

function copyOut(dir: DirInode, hostDir: string, written: Map<Inode, string>): void {
  for (const [name, node] of dir.entries) {
    const hostPath = join(hostDir, name);
    if (node instanceof DirInode) {
      hostFs.mkdirSync(hostPath);
      copyOut(node, hostPath, written);
      hostFs.utimesSync(hostPath, nsToSeconds(node.atim), nsToSeconds(node.mtim));
    } else if (node instanceof SymlinkInode) {
      hostFs.symlinkSync(node.target, hostPath);
      hostFs.lutimesSync(hostPath, nsToSeconds(node.atim), nsToSeconds(node.mtim));
    } else {
      const first = written.get(node);
      if (first !== undefined) {
        hostFs.linkSync(first, hostPath);
        continue;
      }
      hostFs.writeFileSync(hostPath, (node as FileInode).data.view(), { flag: 'wx' });
      hostFs.utimesSync(hostPath, nsToSeconds(node.atim), nsToSeconds(node.mtim));
      if (node.nlink > 1) written.set(node, hostPath);
    }
  }
}

/** ns since the epoch as the seconds Node's utimes takes, exact to the µs a double can carry. */
function nsToSeconds(ns: bigint): number {
  return Number(ns / 1000n) / 1e6;
}
