import * as nodefs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DECLINED, Errno, newFileStat, OpenFlags, type FsHandle, type Ref } from '@vos/core';
import { NodeFileSystem } from '@vos/fs-node';
import { ReadOnlyFileSystem } from './read-only-file-system';

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;

describe('ReadOnlyFileSystem over a host directory', () => {
  let tmp: string;
  let inner: NodeFileSystem;
  let fs: ReadOnlyFileSystem;
  let root: FsHandle;
  const ref: Ref<FsHandle | null> = { value: null };

  beforeEach(() => {
    tmp = nodefs.mkdtempSync(join(tmpdir(), 'vos-ro-'));
    nodefs.mkdirSync(join(tmp, 'd'));
    nodefs.writeFileSync(join(tmp, 'f'), 'data');
    nodefs.symlinkSync('f', join(tmp, 'l'));
    inner = new NodeFileSystem(tmp);
    fs = new ReadOnlyFileSystem(inner);
    expect(fs.openRoot(ref)).toBe(Errno.SUCCESS);
    root = ref.value as FsHandle;
  });
  afterEach(() => {
    fs.close(root);
    expect(nodefs.readdirSync(tmp).sort()).toEqual(['d', 'f', 'l']);
    expect(nodefs.readFileSync(join(tmp, 'f'), 'utf8')).toBe('data');
    nodefs.rmSync(tmp, { recursive: true, force: true });
  });

  test('reads pass through, with the inner handles', () => {
    expect(fs.capabilities.readOnly).toBe(true);
    expect(fs.openAt(root, 'f', READ, ref)).toBe(Errno.SUCCESS);
    const h = ref.value as FsHandle;
    const buf = new Uint8Array(8);
    expect(fs.read(h, buf, 0, 8, 0)).toBe(4);
    expect(inner.read(h, buf, 0, 8, 0)).toBe(4); // the very handle of the inner backend
    expect(fs.write(h, buf, 0, 1, 0)).toBe(-Errno.ROFS);
    expect(fs.truncate(h, 0)).toBe(Errno.ROFS);
    expect(fs.allocate(h, 0, 10)).toBe(Errno.ROFS);
    expect(fs.setTimes(h, 1n, 1n)).toBe(Errno.ROFS);
    expect(fs.sync(h, false)).toBe(Errno.SUCCESS);
    fs.close(h);
  });

  test('opens follow Linux on a read-only mount', () => {
    expect(fs.openAt(root, 'missing', WRITE | CREATE, ref)).toBe(Errno.ROFS);
    expect(fs.openAt(root, 'missing', WRITE, ref)).toBe(Errno.NOENT);
    expect(fs.openAt(root, 'f', WRITE, ref)).toBe(Errno.ROFS);
    expect(fs.openAt(root, 'f', READ | TRUNC, ref)).toBe(Errno.ROFS);
    expect(fs.openAt(root, 'f', READ | APPEND, ref)).toBe(Errno.ROFS);
    expect(fs.openAt(root, 'f', READ | CREATE | EXCL, ref)).toBe(Errno.EXIST);
    expect(fs.openAt(root, 'd', WRITE, ref)).toBe(Errno.ISDIR);
    expect(fs.openAt(root, '.', READ | WRITE, ref)).toBe(Errno.ISDIR);
    expect(fs.openAt(root, 'l', WRITE, ref)).toBe(Errno.LOOP);
    expect(fs.openAt(root, 'f', READ | CREATE, ref)).toBe(Errno.SUCCESS); // O_CREAT of an existing file opens it
    fs.close(ref.value as FsHandle);
  });

  test('every mutation is EROFS, after the lookups Linux does first', () => {
    expect(fs.mkdirAt(root, 'new')).toBe(Errno.ROFS);
    expect(fs.mkdirAt(root, 'd')).toBe(Errno.EXIST);
    expect(fs.symlinkAt('x', root, 'new')).toBe(Errno.ROFS);
    expect(fs.symlinkAt('x', root, 'f')).toBe(Errno.EXIST);
    expect(fs.unlinkAt(root, 'f')).toBe(Errno.ROFS);
    expect(fs.unlinkAt(root, 'missing')).toBe(Errno.ROFS);
    expect(fs.rmdirAt(root, 'd')).toBe(Errno.ROFS);
    expect(fs.renameAt(root, 'f', root, 'g')).toBe(Errno.ROFS);
    expect(fs.linkAt(root, 'f', root, 'g')).toBe(Errno.ROFS);
    expect(fs.linkAt(root, 'f', root, 'd')).toBe(Errno.EXIST);
    expect(fs.setTimesAt(root, 'f', 1n, 1n)).toBe(Errno.ROFS);
    expect(fs.setTimesAt(root, 'missing', 1n, 1n)).toBe(Errno.NOENT);
    expect(fs.statAt(root, 'f', newFileStat())).toBe(Errno.SUCCESS);
  });

  test('fast paths are forwarded, but openPath declines opens for writing', () => {
    expect(fs.openPath).toBeDefined();
    expect(fs.openPath!(root, 'f', WRITE, ref)).toBe(DECLINED);
    const result = fs.openPath!(root, 'f', READ, ref);
    if (result === Errno.SUCCESS) fs.close(ref.value as FsHandle);
    else expect(result).toBe(DECLINED);
    const dirResult = fs.openDirPath!(root, ['d'], 1, ref);
    if (dirResult === Errno.SUCCESS) fs.close(ref.value as FsHandle);
    expect(fs.revalidate!(root)).toBe(Errno.SUCCESS);
    expect(fs.openAt(root, 'd', READ | DIRECTORY, ref)).toBe(Errno.SUCCESS);
    fs.close(ref.value as FsHandle);
  });

  test('a backend without fast paths gets none', () => {
    // Every required method, none of the optional fast paths.
    const bare: Record<string, unknown> = Object.create(null);
    const proto = Object.getPrototypeOf(inner) as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (typeof proto[name] === 'function' && !['openPath', 'openDirPath', 'revalidate', 'constructor'].includes(name)) bare[name] = proto[name];
    }
    bare.capabilities = inner.capabilities;
    const ro = new ReadOnlyFileSystem(bare as unknown as NodeFileSystem);
    expect(ro.openPath).toBeUndefined();
    expect(ro.openDirPath).toBeUndefined();
  });

  test('an object missing part of the contract is refused at construction, naming what is missing', () => {
    const { readdir: _drop, ...partial } = Object.fromEntries(
      Object.getOwnPropertyNames(Object.getPrototypeOf(inner)).map((n) => [n, (inner as unknown as Record<string, unknown>)[n]]),
    );
    expect(() => new ReadOnlyFileSystem({ ...partial, capabilities: inner.capabilities } as never)).toThrow(
      'ReadOnlyFileSystem inner is not a FileSystem: it has no readdir() method',
    );
    expect(() => new ReadOnlyFileSystem(null as never)).toThrow('is not an object');
  });
});
