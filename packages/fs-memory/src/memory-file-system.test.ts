import { DECLINED, Errno, Filetype, newFileStat, type DirEntry, type FsHandle, type Ref } from '@vos/core';
import { MemoryFileSystem } from './index';
import { APPEND, CREATE, DIRECTORY, READ, TRUNC, WRITE, dec, enc, expectErrno, Kit } from './testing/kit';
import { SystemClock } from '@vos/clock';

function setup() {
  const fs = new MemoryFileSystem({ clock: new SystemClock() });
  return { fs, k: new Kit(fs) };
}

describe('inodes and hard links', () => {
  test('inode numbers are per instance, stable and never reused by a rename', () => {
    const a = new Kit(new MemoryFileSystem({ clock: new SystemClock() }));
    const b = new Kit(new MemoryFileSystem({ clock: new SystemClock() }));
    expect(a.stat('.').ino).toBe(b.stat('.').ino); // no module-level counter
    a.write('f', 'x');
    const ino = a.stat('f').ino;
    expectErrno(a.fs.renameAt(a.root, 'f', a.root, 'g'), Errno.SUCCESS);
    expect(a.stat('g').ino).toBe(ino);
    a.write('h', 'y');
    expect(a.stat('h').ino).not.toBe(ino);
    expect(a.stat('g').dev).toBe(1n);
    expect(new Kit(new MemoryFileSystem({ clock: new SystemClock(), dev: 7n })).stat('.').dev).toBe(7n);
  });

  test('a hard link shares the inode and its data; nlink counts names', () => {
    const { fs, k } = setup();
    k.write('a', 'one');
    expectErrno(fs.linkAt(k.root, 'a', k.root, 'b'), Errno.SUCCESS);
    expect(k.stat('a').nlink).toBe(2n);
    k.write('b', 'two'); // TRUNC + write through the other name
    expect(k.read('a')).toBe('two');
    expectErrno(fs.unlinkAt(k.root, 'a'), Errno.SUCCESS);
    expect(k.stat('b').nlink).toBe(1n);
    expect(fs.usage().inodes).toBe(2); // root + the file
  });

  test('directory nlink is 2 + subdirectories, 0 once removed', () => {
    const { fs, k } = setup();
    expect(k.stat('.').nlink).toBe(2n);
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    expectErrno(fs.mkdirAt(k.root, 'e'), Errno.SUCCESS);
    k.write('f', '');
    expect(k.stat('.').nlink).toBe(4n);
    const d = k.dir('d');
    expectErrno(fs.rmdirAt(k.root, 'd'), Errno.SUCCESS);
    expect(k.stat('.').nlink).toBe(3n);
    expect(k.stat('.', d).nlink).toBe(0n);
  });

  test('linking onto an existing name is EEXIST; into a removed directory ENOENT', () => {
    const { fs, k } = setup();
    k.write('a', '');
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    const d = k.dir('d');
    expectErrno(fs.rmdirAt(k.root, 'd'), Errno.SUCCESS);
    expectErrno(fs.linkAt(k.root, 'a', d, 'b'), Errno.NOENT);
    expectErrno(fs.linkAt(k.root, 'a', k.root, '.'), Errno.EXIST);
  });
});

describe('unlink and rmdir while open', () => {
  test('data lives until the last handle closes', () => {
    const { fs, k } = setup();
    k.write('f', 'payload');
    const h1 = k.open(k.root, 'f', READ | WRITE);
    const h2 = k.open(k.root, 'f', READ);
    expectErrno(fs.unlinkAt(k.root, 'f'), Errno.SUCCESS);
    expect(k.statErrno('f')).toBe(Errno.NOENT);
    expect(fs.write(h1, enc.encode('P'), 0, 1, 0)).toBe(1);
    expect(k.readHandle(h2)).toBe('Payload');
    const st = newFileStat();
    expectErrno(fs.stat(h2, st), Errno.SUCCESS);
    expect(st.nlink).toBe(0n);
    expect(fs.usage()).toMatchObject({ bytes: 7, inodes: 2 });
    fs.close(h1);
    expect(fs.usage()).toMatchObject({ bytes: 7, inodes: 2 });
    fs.close(h2);
    expect(fs.usage()).toMatchObject({ bytes: 0, inodes: 1, allocatedBytes: 0 });
  });

  test('an open directory that is removed lists empty and refuses new entries', () => {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    const d = k.dir('d');
    expectErrno(fs.rmdirAt(k.root, 'd'), Errno.SUCCESS);
    expect(k.names(d)).toEqual([]);
    expectErrno(k.openErrno(d, 'new', WRITE | CREATE), Errno.NOENT);
    expectErrno(fs.mkdirAt(d, 'sub'), Errno.NOENT);
    expectErrno(fs.symlinkAt('x', d, 'l'), Errno.NOENT);
    expectErrno(fs.statAt(d, '.', newFileStat()), Errno.SUCCESS);
    expect(fs.usage().inodes).toBe(2);
    fs.close(d);
    expect(fs.usage().inodes).toBe(1);
  });
});

describe('rename', () => {
  test('two names of one inode: a no-op success that keeps both names', () => {
    const { fs, k } = setup();
    k.write('a', 'A');
    expectErrno(fs.linkAt(k.root, 'a', k.root, 'b'), Errno.SUCCESS);
    expectErrno(fs.renameAt(k.root, 'a', k.root, 'b'), Errno.SUCCESS);
    expect(k.names()).toEqual(['a', 'b']);
    expect(k.stat('a').nlink).toBe(2n);
  });

  test('over a file: the replaced inode is freed, the name keeps its place in listings', () => {
    const { fs, k } = setup();
    k.write('x', '1');
    k.write('b', 'old');
    k.write('y', '2');
    k.write('a', 'new');
    expectErrno(fs.renameAt(k.root, 'a', k.root, 'b'), Errno.SUCCESS);
    expect(k.names()).toEqual(['x', 'b', 'y']);
    expect(k.read('b')).toBe('new');
    expect(fs.usage()).toMatchObject({ inodes: 4, bytes: 5 });
  });

  test('a directory over an empty one moves its subtree; the replaced one is dead for its handles', () => {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, 'src'), Errno.SUCCESS);
    k.write('inner', 'I', k.dir('src'));
    expectErrno(fs.mkdirAt(k.root, 'p'), Errno.SUCCESS);
    const p = k.dir('p');
    expectErrno(fs.mkdirAt(p, 'dst'), Errno.SUCCESS);
    const dst = k.dir('dst', p);
    expectErrno(fs.renameAt(k.root, 'src', p, 'dst'), Errno.SUCCESS);
    expect(k.read('inner', k.dir('dst', p))).toBe('I');
    expectErrno(fs.mkdirAt(dst, 'x'), Errno.NOENT);
    expect(k.stat('.').nlink).toBe(3n); // root: p only
    expect(k.stat('.', p).nlink).toBe(3n); // p: dst
  });

  test('a directory into its own subtree is EINVAL, even deep down; onto an ancestor ENOTEMPTY', () => {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, 'a'), Errno.SUCCESS);
    const a = k.dir('a');
    expectErrno(fs.mkdirAt(a, 'b'), Errno.SUCCESS);
    const b = k.dir('b', a);
    expectErrno(fs.mkdirAt(b, 'c'), Errno.SUCCESS);
    const c = k.dir('c', b);
    expectErrno(fs.renameAt(k.root, 'a', c, 'x'), Errno.INVAL);
    expectErrno(fs.renameAt(a, 'b', b, 'x'), Errno.INVAL);
    expectErrno(fs.renameAt(b, 'c', k.root, 'a'), Errno.NOTEMPTY);
    expect(k.names(c)).toEqual([]);
  });

  test('a moved directory can then be moved into its old parent’s new sibling (parent pointers follow)', () => {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, 'a'), Errno.SUCCESS);
    expectErrno(fs.mkdirAt(k.root, 'b'), Errno.SUCCESS);
    const a = k.dir('a');
    expectErrno(fs.renameAt(k.root, 'b', a, 'b'), Errno.SUCCESS);
    const b = k.dir('b', a);
    expectErrno(fs.renameAt(k.root, 'a', b, 'a'), Errno.INVAL); // b now lies inside a
    expectErrno(fs.renameAt(a, 'b', k.root, 'b'), Errno.SUCCESS);
    expectErrno(fs.renameAt(k.root, 'a', b, 'a'), Errno.SUCCESS);
    expect(k.names()).toEqual(['b']);
  });

  test('file over directory EISDIR, directory over file ENOTDIR, nothing changed', () => {
    const { fs, k } = setup();
    k.write('f', 'F');
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    expectErrno(fs.renameAt(k.root, 'f', k.root, 'd'), Errno.ISDIR);
    expectErrno(fs.renameAt(k.root, 'd', k.root, 'f'), Errno.NOTDIR);
    expect(k.names()).toEqual(['f', 'd']);
    expect(k.read('f')).toBe('F');
  });
});

describe('file contents', () => {
  test('write past the end leaves a zero-filled hole; truncate up zero-fills too', () => {
    const { fs, k } = setup();
    const h = k.open(k.root, 'f', READ | WRITE | CREATE);
    expect(fs.write(h, enc.encode('ab'), 0, 2, 0)).toBe(2);
    expect(fs.write(h, enc.encode('z'), 0, 1, 1000)).toBe(1);
    expect(k.stat('f').size).toBe(1001n);
    const buf = new Uint8Array(1001).fill(7);
    expect(fs.read(h, buf, 0, 1001, 0)).toBe(1001);
    expect(buf[0]).toBe(97);
    expect(buf.subarray(2, 1000).every((b) => b === 0)).toBe(true);
    expect(buf[1000]).toBe(122);
    expectErrno(fs.truncate(h, 1), Errno.SUCCESS);
    expectErrno(fs.truncate(h, 50), Errno.SUCCESS); // the cut-off bytes must not come back
    expect(fs.read(h, buf, 0, 50, 0)).toBe(50);
    expect(buf[0]).toBe(97);
    expect(buf.subarray(1, 50).every((b) => b === 0)).toBe(true);
  });

  test('an APPEND handle appends whatever position it is given (Linux O_APPEND)', () => {
    const { fs, k } = setup();
    k.write('f', 'abc');
    const h = k.open(k.root, 'f', WRITE | APPEND);
    expect(fs.write(h, enc.encode('d'), 0, 1, 0)).toBe(1);
    expect(fs.write(h, enc.encode('e'), 0, 1, -1)).toBe(1);
    expect(k.read('f')).toBe('abcde');
  });

  test('read-only and write-only handles refuse the other direction', () => {
    const { fs, k } = setup();
    k.write('f', 'abc');
    const ro = k.open(k.root, 'f', READ);
    const wo = k.open(k.root, 'f', WRITE);
    expect(fs.write(ro, enc.encode('x'), 0, 1, 0)).toBe(-Errno.BADF);
    expectErrno(fs.truncate(ro, 0), Errno.INVAL);
    expectErrno(fs.allocate(ro, 0, 10), Errno.BADF);
    expect(fs.read(wo, new Uint8Array(3), 0, 3, 0)).toBe(-Errno.BADF);
    expect(k.read('f')).toBe('abc');
  });

  test('bad arguments: negative read position, source range outside the buffer, negative sizes', () => {
    const { fs, k } = setup();
    const h = k.open(k.root, 'f', READ | WRITE | CREATE);
    expect(fs.read(h, new Uint8Array(4), 0, 4, -1)).toBe(-Errno.INVAL);
    expect(fs.write(h, new Uint8Array(4), 2, 4, 0)).toBe(-Errno.FAULT);
    expectErrno(fs.truncate(h, -1), Errno.INVAL);
    expectErrno(fs.allocate(h, -1, 1), Errno.INVAL);
    expect(k.stat('f').size).toBe(0n);
  });

  test('a zero-length write changes nothing, even past the end', () => {
    const { fs, k } = setup();
    const h = k.open(k.root, 'f', WRITE | CREATE);
    expect(fs.write(h, new Uint8Array(0), 0, 0, 100)).toBe(0);
    expect(k.stat('f').size).toBe(0n);
  });

  test('read copies straight into a subarray of the caller’s memory', () => {
    const { fs, k } = setup();
    const big = new Uint8Array(100).map((_, i) => i);
    k.write('f', big);
    const h = k.open(k.root, 'f', READ);
    const mem = new Uint8Array(200);
    expect(fs.read(h, mem, 50, 100, 10)).toBe(90);
    expect(mem[50]).toBe(10);
    expect(mem[139]).toBe(99);
    expect(mem[140]).toBe(0);
  });
});

describe('handles', () => {
  test('a handle of another instance is EBADF everywhere, and close ignores it', () => {
    const a = setup();
    const b = setup();
    a.k.write('f', 'x');
    const foreign = a.k.open(a.k.root, 'f', READ | WRITE);
    expectErrno(b.fs.statAt(a.k.root, '.', newFileStat()), Errno.BADF);
    expectErrno(b.fs.stat(foreign, newFileStat()), Errno.BADF);
    expect(b.fs.read(foreign, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
    expect(b.fs.write(foreign, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
    expectErrno(b.fs.readdir(a.k.root, []), Errno.BADF);
    expectErrno(b.fs.revalidate(a.k.root), Errno.BADF);
    b.fs.close(foreign);
    expect(a.k.readHandle(foreign)).toBe('x');
  });

  test('a closed handle is EBADF', () => {
    const { fs, k } = setup();
    k.write('f', 'x');
    const h = k.open(k.root, 'f', READ);
    fs.close(h);
    expect(fs.read(h, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
    expectErrno(fs.sync(h, false), Errno.BADF);
  });

  test('typeOf knows files and directories; revalidate accepts live directories only', () => {
    const { fs, k } = setup();
    k.write('f', '');
    expect(fs.typeOf(k.open(k.root, 'f', READ))).toBe(Filetype.REGULAR_FILE);
    expect(fs.typeOf(k.root)).toBe(Filetype.DIRECTORY);
    expect(fs.typeOf({})).toBe(Filetype.UNKNOWN);
    expectErrno(fs.revalidate(k.root), Errno.SUCCESS);
    expectErrno(fs.revalidate(k.open(k.root, 'f', READ)), Errno.BADF);
  });

  test('CREATE|DIRECTORY is EINVAL; CREATE on an existing directory is EISDIR; TRUNC on a symlink ELOOP', () => {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    expectErrno(fs.symlinkAt('d', k.root, 'l'), Errno.SUCCESS);
    expectErrno(k.openErrno(k.root, 'n', CREATE | DIRECTORY), Errno.INVAL);
    expectErrno(k.openErrno(k.root, 'd', READ | CREATE), Errno.ISDIR);
    expectErrno(k.openErrno(k.root, 'l', READ | TRUNC), Errno.LOOP);
    expectErrno(fs.symlinkAt('', k.root, 'empty'), Errno.NOENT);
    expectErrno(fs.symlinkAt('a\0b', k.root, 'nul'), Errno.INVAL);
  });

  test('names that are not one plain component are refused', () => {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, '..'), Errno.NOTCAPABLE);
    expectErrno(fs.mkdirAt(k.root, 'a/b'), Errno.NOTCAPABLE);
    expectErrno(fs.mkdirAt(k.root, 'a\0'), Errno.INVAL);
    expectErrno(fs.mkdirAt(k.root, ''), Errno.NOENT);
    expect(k.names()).toEqual([]);
  });
});

describe('fast paths', () => {
  function tree() {
    const { fs, k } = setup();
    expectErrno(fs.mkdirAt(k.root, 'a'), Errno.SUCCESS);
    const a = k.dir('a');
    expectErrno(fs.mkdirAt(a, 'b'), Errno.SUCCESS);
    k.write('f', 'F', k.dir('b', a));
    expectErrno(fs.symlinkAt('b', a, 'lb'), Errno.SUCCESS);
    expectErrno(fs.symlinkAt('b/f', a, 'lf'), Errno.SUCCESS);
    return { fs, k };
  }
  const out: Ref<FsHandle | null> = { value: null };

  test('openPath opens through plain directories', () => {
    const { fs, k } = tree();
    expect(fs.openPath(k.root, 'a/b/f', READ, out)).toBe(Errno.SUCCESS);
    expect(k.readHandle(out.value as FsHandle)).toBe('F');
    expect(fs.openPath(k.root, 'a/b', READ | DIRECTORY, out)).toBe(Errno.SUCCESS);
    expect(fs.typeOf(out.value as FsHandle)).toBe(Filetype.DIRECTORY);
  });

  test.each([
    ['a/lb/f', READ],
    ['a/lf', READ],
    ['a/missing', READ],
    ['a/b/f/x', READ],
    ['a/b/f', READ | DIRECTORY],
    ['a/b', READ | WRITE],
    ['a/b/f', READ | TRUNC],
    ['a/b/new', READ | WRITE | CREATE],
    ['a/./b/f', READ],
  ])('openPath declines %s (flags %d)', (path, flags) => {
    const { fs, k } = tree();
    expect(fs.openPath(k.root, path, flags, out)).toBe(DECLINED);
    expect(k.statErrno('new', k.dir('b', k.dir('a')))).toBe(Errno.NOENT);
  });

  test('openDirPath: count 0 is the directory itself; symlinks, files and misses decline', () => {
    const { fs, k } = tree();
    expect(fs.openDirPath(k.root, ['a'], 0, out)).toBe(Errno.SUCCESS);
    expect(k.stat('.', out.value as FsHandle).ino).toBe(k.stat('.').ino);
    expect(fs.openDirPath(k.root, ['a', 'b'], 2, out)).toBe(Errno.SUCCESS);
    expect(k.names(out.value as FsHandle)).toEqual(['f']);
    expect(fs.openDirPath(k.root, ['a', 'lb'], 2, out)).toBe(DECLINED);
    expect(fs.openDirPath(k.root, ['a', 'b', 'f'], 3, out)).toBe(DECLINED);
    expect(fs.openDirPath(k.root, ['a', 'nope'], 2, out)).toBe(DECLINED);
    expect(fs.openDirPath(k.root, ['a'], 2, out)).toBe(DECLINED);
  });
});

describe('scale', () => {
  test('readdir over 10,000 entries lists each once, in creation order, and lookups stay by name', () => {
    const { fs, k } = setup();
    const ref: Ref<FsHandle | null> = { value: null };
    let failures = 0;
    for (let i = 0; i < 10_000; i++) {
      if (fs.openAt(k.root, `f${i}`, WRITE | CREATE, ref) !== Errno.SUCCESS) failures++;
      else fs.close(ref.value as FsHandle);
    }
    expect(failures).toBe(0);
    const out: DirEntry[] = [];
    expectErrno(fs.readdir(k.root, out), Errno.SUCCESS);
    expect(out.length).toBe(10_000);
    expect(out[0].name).toBe('f0');
    expect(out[9_999].name).toBe('f9999');
    expect(new Set(out.map((e) => e.ino)).size).toBe(10_000);
    expect(k.stat('f5000').ino).toBe(out[5000].ino);
    expect(fs.usage().inodes).toBe(10_001);
  });

  test('N small appends reallocate O(log N) times, not N', () => {
    const { fs, k } = setup();
    const h = k.open(k.root, 'log', WRITE | CREATE | APPEND);
    const line = enc.encode('0123456789\n');
    const n = 20_000;
    let written = 0;
    for (let i = 0; i < n; i++) written += fs.write(h, line, 0, line.length, -1);
    expect(written).toBe(n * line.length);
    expect(k.stat('log').size).toBe(BigInt(n * line.length));
    // 220,000 bytes from a 64-byte start: at most log2(220000/64) + 1 doublings.
    expect(fs.counters.reallocations).toBeLessThanOrEqual(13);
    expect(fs.counters.allocatedBytes).toBeLessThan(2 * n * line.length);
    const text = k.read('log');
    expect(text.slice(-11)).toBe('0123456789\n');
    expect(dec.decode(enc.encode(text)).length).toBe(n * line.length);
  });
});
