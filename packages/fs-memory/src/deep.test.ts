import { execFileSync } from 'node:child_process';
import * as hostFs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno, type FsHandle, type Ref } from '@vos/core';
import { MemoryFileSystem, type MemoryTree } from './index';
import { CREATE, DIRECTORY, READ, WRITE, Kit } from './testing/kit';
import { SystemClock } from '@vos/clock';

// No recursion on depth (issue 9): a tree far deeper than any JS stack goes through every builder and exporter.

const CLOCK = new SystemClock();
const UNLIMITED = { clock: CLOCK, quota: { maxBytes: Infinity, maxInodes: Infinity } };

function deepObject(depth: number, name = 'd'): MemoryTree {
  const top: MemoryTree = {};
  let at = top;
  for (let i = 0; i < depth; i++) {
    const next: MemoryTree = {};
    at[name] = next;
    at = next;
  }
  at.leaf = 'bottom';
  return top;
}

function depthOf(tree: MemoryTree, name = 'd'): { depth: number; leaf: unknown } {
  let depth = 0;
  let at = tree;
  while (at[name] !== undefined) {
    at = at[name] as MemoryTree;
    depth++;
  }
  return { depth, leaf: at.leaf };
}

/** The deepest directory, opened one level at a time (parents closed behind). */
function descend(k: Kit, depth: number): FsHandle {
  const ref: Ref<FsHandle | null> = { value: null };
  let dir = k.root;
  for (let i = 0; i < depth; i++) {
    if (k.fs.openAt(dir, 'd', READ | DIRECTORY, ref) !== Errno.SUCCESS) throw new Error(`level ${i}`);
    if (dir !== k.root) k.fs.close(dir);
    dir = ref.value as FsHandle;
  }
  return dir;
}

test('fromObject, toObject and clone of a tree 100,000 directories deep', () => {
  const DEPTH = 100_000;
  const fs = MemoryFileSystem.fromObject(deepObject(DEPTH), UNLIMITED);
  expect(fs.usage().inodes).toBe(DEPTH + 2);
  const copy = fs.clone();
  expect(depthOf(copy.toObject({ text: true }))).toEqual({ depth: DEPTH, leaf: 'bottom' });
  const k = new Kit(copy);
  const bottom = descend(k, DEPTH);
  expect(k.read('leaf', bottom)).toBe('bottom');
});

test('the default inode quota stops a deep tree with ENOSPC, naming the path', () => {
  expect(() => MemoryFileSystem.fromObject(deepObject(270_000), { clock: CLOCK })).toThrow(/^fromObject: (d\/)+d: NOSPC$/);
});

describe('host directories', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = hostFs.mkdtempSync(join(tmpdir(), 'vos-deep-'));
  });
  afterEach(() => {
    // rmSync cannot name paths this deep; GNU rm walks with openat.
    execFileSync('rm', ['-rf', tmp]);
  });

  test('export to and import from a host tree deeper than PATH_MAX', () => {
    // 600 levels of 15-byte names: 9,600 bytes of path below the export root (few directories: deep host
    // trees are slow to make and remove on some filesystems).
    const DEPTH = 600;
    const name = 'directory-level';
    const fs = MemoryFileSystem.fromObject(deepObject(DEPTH, name), { clock: CLOCK });
    const out = join(tmp, 'out');
    fs.toHostDirectory(out);
    const back = MemoryFileSystem.fromHostDirectory(out, { clock: CLOCK });
    expect(depthOf(back.toObject({ text: true }), name)).toEqual({ depth: DEPTH, leaf: 'bottom' });
  });

  test('a sparse file is exported as a sparse file and imported back without a whole-file buffer', () => {
    const fs = new MemoryFileSystem({ clock: CLOCK });
    const k = new Kit(fs);
    const h = k.open(k.root, 'sparse', READ | WRITE | CREATE);
    const SIZE = 64 * 1024 * 1024;
    expect(fs.write(h, new Uint8Array([7]), 0, 1, SIZE / 2)).toBe(1);
    expect(fs.truncate(h, SIZE)).toBe(Errno.SUCCESS);
    fs.close(h);
    const out = join(tmp, 'out');
    fs.toHostDirectory(out);
    const st = hostFs.statSync(join(out, 'sparse'));
    expect(st.size).toBe(SIZE);
    expect(st.blocks * 512).toBeLessThan(1024 * 1024); // holes stayed holes
    const back = MemoryFileSystem.fromHostDirectory(out, { clock: CLOCK });
    const k2 = new Kit(back);
    const h2 = k2.open(k2.root, 'sparse', READ);
    const byte = new Uint8Array(2);
    expect(back.read(h2, byte, 0, 2, SIZE / 2 - 1)).toBe(2);
    expect([...byte]).toEqual([0, 7]);
  });

  test('a host file over the memory limit is refused before it is read', () => {
    const src = join(tmp, 'src');
    hostFs.mkdirSync(src);
    const fd = hostFs.openSync(join(src, 'huge'), 'w');
    hostFs.ftruncateSync(fd, 2 ** 40); // a terabyte of holes
    hostFs.closeSync(fd);
    expect(() => MemoryFileSystem.fromHostDirectory(src, { clock: CLOCK })).toThrow('fromHostDirectory: huge: FBIG');
  });

  test('a failed export removes what it wrote and says so', () => {
    const fs = MemoryFileSystem.fromObject({ a: { b: 'x' }, c: 'y', z: { deep: { er: 'z' } } }, { clock: CLOCK });
    const out = join(tmp, 'out');
    hostFs.mkdirSync(out);
    hostFs.writeFileSync(join(out, 'keep'), 'host');
    hostFs.mkdirSync(join(out, 'z')); // the export meets an existing name after writing a and c
    expect(() => fs.toHostDirectory(out)).toThrow(/^toHostDirectory: z: .*EEXIST.*; nothing written was left behind$/);
    expect(hostFs.readdirSync(out).sort()).toEqual(['keep', 'z']);
    expect(hostFs.readFileSync(join(out, 'keep'), 'utf8')).toBe('host');
  });
});

