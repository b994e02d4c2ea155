import { mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, lstatSync, writeFileSync, mkdirSync, symlinkSync, linkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Errno, Filetype } from '@vos/core';
import { isSymlinkEntry, MemoryFileSystem, type MemoryTree } from './index';
import { expectErrno, FakeClock, Kit } from './testing/kit';
import { SystemClock } from '@vos/clock';

const SAMPLE: MemoryTree = {
  'a.txt': 'text',
  bin: new Uint8Array([0, 255, 1, 0xc3]),
  empty: {},
  dir: { nested: { deep: 'down' }, 'x.txt': '' },
  link: { symlink: 'a.txt' },
  dangling: { symlink: '../nowhere' },
};

describe('fromObject / toObject', () => {
  test('builds files, directories and symlinks', () => {
    const fs = MemoryFileSystem.fromObject(SAMPLE, { clock: new SystemClock() });
    const k = new Kit(fs);
    expect(k.read('a.txt')).toBe('text');
    expect(k.stat('bin').size).toBe(4n);
    expect(k.stat('empty').filetype).toBe(Filetype.DIRECTORY);
    expect(k.read('deep', k.dir('nested', k.dir('dir')))).toBe('down');
    expect(k.stat('link').filetype).toBe(Filetype.SYMBOLIC_LINK);
    const out = { value: '' };
    expectErrno(fs.readlinkAt(k.root, 'dangling', out), Errno.SUCCESS);
    expect(out.value).toBe('../nowhere');
    expect(k.names()).toEqual(Object.keys(SAMPLE));
  });

  test('round trip: bytes by default, strings for UTF-8 files with { text: true }', () => {
    const fs = MemoryFileSystem.fromObject(SAMPLE, { clock: new SystemClock() });
    const bytes = fs.toObject();
    expect(bytes['a.txt']).toEqual(new TextEncoder().encode('text'));
    expect(MemoryFileSystem.fromObject(bytes, { clock: new SystemClock() }).toObject()).toEqual(bytes);
    const text = fs.toObject({ text: true });
    expect(text).toEqual(SAMPLE); // `bin` is not UTF-8, so it stays bytes
  });

  test('the ambiguous shape: a lone file named `symlink` is exported as bytes and round-trips', () => {
    const fs = MemoryFileSystem.fromObject({ d: { symlink: new TextEncoder().encode('a file') } }, { clock: new SystemClock() });
    const exported = fs.toObject({ text: true });
    expect(isSymlinkEntry(exported.d)).toBe(false);
    const back = new Kit(MemoryFileSystem.fromObject(exported, { clock: new SystemClock() }));
    expect(back.stat('symlink', back.dir('d')).filetype).toBe(Filetype.REGULAR_FILE);
    expect(isSymlinkEntry({ symlink: 'x' })).toBe(true);
    expect(isSymlinkEntry({ symlink: 'x', other: 'y' })).toBe(false);
  });

  test('toObject does not touch atime; times come from the clock', () => {
    const clock = new FakeClock();
    const fs = MemoryFileSystem.fromObject({ f: 'x' }, { clock });
    clock.t = 5000n;
    fs.toObject();
    expect(new Kit(fs).stat('f').atim).toBe(1000n);
  });

  test('a bad entry or name throws', () => {
    expect(() => MemoryFileSystem.fromObject({ f: 42 as unknown as string }, { clock: new SystemClock() })).toThrow(TypeError);
    expect(() => MemoryFileSystem.fromObject({ 'a/b': 'x' }, { clock: new SystemClock() })).toThrow('fromObject: a/b: NOTCAPABLE');
  });
});

describe('fromHostDirectory / toHostDirectory', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'vos-fs-memory-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  test('host -> memory -> host keeps contents, symlinks, hard links and mtimes', () => {
    const src = join(tmp, 'src');
    mkdirSync(join(src, 'dir', 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'alpha');
    writeFileSync(join(src, 'dir', 'b.bin'), Buffer.from([1, 2, 0xff, 0]));
    symlinkSync('../a.txt', join(src, 'dir', 'link'));
    linkSync(join(src, 'a.txt'), join(src, 'dir', 'hard'));
    utimesSync(join(src, 'a.txt'), 1_600_000_000, 1_600_000_001.5);
    utimesSync(join(src, 'dir', 'sub'), 1_500_000_000, 1_500_000_000);

    const fs = MemoryFileSystem.fromHostDirectory(src, { clock: new SystemClock() });
    const k = new Kit(fs);
    expect(k.read('a.txt')).toBe('alpha');
    expect(k.stat('a.txt').nlink).toBe(2n);
    expect(k.stat('hard', k.dir('dir')).ino).toBe(k.stat('a.txt').ino);
    expect(k.stat('a.txt').mtim).toBe(1_600_000_001_500_000_000n);
    expect(k.stat('sub', k.dir('dir')).mtim).toBe(1_500_000_000_000_000_000n);
    expect(fs.toObject({ text: true })).toEqual({
      'a.txt': 'alpha',
      dir: expect.objectContaining({ 'b.bin': new Uint8Array([1, 2, 0xff, 0]), link: { symlink: '../a.txt' }, sub: {}, hard: 'alpha' }),
    });

    const out = join(tmp, 'out');
    fs.toHostDirectory(out);
    expect(readFileSync(join(out, 'a.txt'), 'utf8')).toBe('alpha');
    expect([...readFileSync(join(out, 'dir', 'b.bin'))]).toEqual([1, 2, 0xff, 0]);
    expect(readlinkSync(join(out, 'dir', 'link'))).toBe('../a.txt');
    expect(statSync(join(out, 'dir', 'hard')).ino).toBe(statSync(join(out, 'a.txt')).ino);
    expect(lstatSync(join(out, 'a.txt')).mtimeMs).toBe(1_600_000_001_500);
    expect(lstatSync(join(out, 'dir', 'sub')).mtimeMs).toBe(1_500_000_000_000);

    // and back again: the same tree
    expect(MemoryFileSystem.fromHostDirectory(out, { clock: new SystemClock() }).toObject()).toEqual(fs.toObject());
  });

  test('toHostDirectory refuses to overwrite an existing name', () => {
    const out = join(tmp, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'f'), 'host');
    expect(() => MemoryFileSystem.fromObject({ f: 'memory' }, { clock: new SystemClock() }).toHostDirectory(out)).toThrow(/EEXIST/);
    expect(readFileSync(join(out, 'f'), 'utf8')).toBe('host');
  });

  test('a missing host directory throws', () => {
    expect(() => MemoryFileSystem.fromHostDirectory(join(tmp, 'missing'), { clock: new SystemClock() })).toThrow(/ENOENT/);
  });
});
