import { Errno } from '@vos/core';
import { MemoryFileSystem } from './index';
import { CREATE, READ, WRITE, enc, expectErrno, FakeClock, Kit } from './testing/kit';
import { SystemClock } from '@vos/clock';

function original() {
  const clock = new FakeClock();
  const fs = MemoryFileSystem.fromObject(
    { 'a.txt': 'alpha', dir: { 'b.bin': new Uint8Array(1000).fill(9), sub: {} }, link: { symlink: 'a.txt' } },
    { clock },
  );
  const k = new Kit(fs);
  expectErrno(fs.linkAt(k.root, 'a.txt', k.dir('dir'), 'hard'), Errno.SUCCESS);
  return { clock, fs, k };
}

describe('clone', () => {
  test('copies the tree with the same inodes, times, links and usage', () => {
    const { fs, k } = original();
    const copy = fs.clone();
    const c = new Kit(copy);
    expect(copy.toObject()).toEqual(fs.toObject());
    for (const name of ['.', 'a.txt', 'dir', 'link']) expect(c.stat(name)).toEqual(k.stat(name));
    expect(c.stat('hard', c.dir('dir'))).toEqual(k.stat('hard', k.dir('dir')));
    expect(copy.usage().bytes).toBe(fs.usage().bytes);
    expect(copy.usage().inodes).toBe(fs.usage().inodes);
    // still one inode behind both names in the copy
    c.write('a.txt', 'changed');
    expect(c.read('hard', c.dir('dir'))).toBe('changed');
  });

  test('shares file data until one side writes; neither side sees the other’s changes', () => {
    const { fs, k } = original();
    const copy = fs.clone();
    const c = new Kit(copy);
    expect(copy.counters.copiesOnWrite).toBe(0);
    expect(copy.counters.reallocations).toBe(0);

    const h = c.open(c.dir('dir'), 'b.bin', READ | WRITE);
    expect(copy.write(h, enc.encode('X'), 0, 1, 0)).toBe(1);
    expect(copy.counters.copiesOnWrite).toBe(1);
    expect(copy.write(h, enc.encode('Y'), 0, 1, 1)).toBe(1); // now private: no second copy
    expect(copy.counters.copiesOnWrite).toBe(1);
    expect(k.read('b.bin', k.dir('dir')).slice(0, 2)).toBe('\t\t');

    // The original now holds the only reference: it writes in place.
    const o = k.open(k.dir('dir'), 'b.bin', WRITE);
    expect(fs.write(o, enc.encode('Z'), 0, 1, 0)).toBe(1);
    expect(fs.counters.copiesOnWrite).toBe(0);
    expect(c.read('b.bin', c.dir('dir')).slice(0, 2)).toBe('XY');
  });

  test('structure changes stay on their side', () => {
    const { fs, k } = original();
    const copy = fs.clone();
    const c = new Kit(copy);
    expectErrno(copy.unlinkAt(c.root, 'a.txt'), Errno.SUCCESS);
    expectErrno(copy.mkdirAt(c.root, 'new'), Errno.SUCCESS);
    expectErrno(fs.renameAt(k.root, 'dir', k.root, 'moved'), Errno.SUCCESS);
    expect(c.names()).toEqual(['dir', 'link', 'new']);
    expect(k.names()).toEqual(['a.txt', 'link', 'moved']);
    expect(k.stat('a.txt').nlink).toBe(2n);
    expect(c.stat('hard', c.dir('dir')).nlink).toBe(1n);
    // both sides allocate inode numbers from the same point, independently
    expectErrno(fs.mkdirAt(k.root, 'other'), Errno.SUCCESS);
    expect(k.stat('other').ino).toBe(c.stat('new').ino);
  });

  test('truncating a shared file copies only what is kept, and the other side keeps everything', () => {
    const { fs, k } = original();
    const copy = fs.clone();
    const c = new Kit(copy);
    const h = c.open(c.dir('dir'), 'b.bin', WRITE);
    expectErrno(copy.truncate(h, 10), Errno.SUCCESS);
    expect(c.stat('b.bin', c.dir('dir')).size).toBe(10n);
    expect(k.stat('b.bin', k.dir('dir')).size).toBe(1000n);
    expect(k.read('b.bin', k.dir('dir'))).toBe('\t'.repeat(1000));
  });

  test('costs O(inodes): a 64 MB file is shared, not copied', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock() });
    const k = new Kit(fs);
    const h = k.open(k.root, 'big', WRITE | CREATE);
    expectErrno(fs.truncate(h, 64 * 1024 * 1024), Errno.SUCCESS);
    const copy = fs.clone();
    expect(copy.usage().bytes).toBe(64 * 1024 * 1024);
    expect(copy.counters.copiesOnWrite + copy.counters.reallocations).toBe(0);
    // one more clone of the clone, then release all but one: the survivor writes in place
    const third = copy.clone();
    const t = new Kit(third);
    expectErrno(fs.unlinkAt(k.root, 'big'), Errno.SUCCESS);
    fs.close(h);
    expectErrno(copy.unlinkAt(new Kit(copy).root, 'big'), Errno.SUCCESS);
    const w = t.open(t.root, 'big', WRITE);
    expect(third.write(w, enc.encode('!'), 0, 1, 0)).toBe(1);
    expect(third.counters.copiesOnWrite).toBe(0);
  });

  test('options (clock, quota, dev) carry over', () => {
    const clock = new FakeClock();
    const fs = new MemoryFileSystem({ clock, quota: { maxInodes: 2 }, dev: 5n });
    const copy = fs.clone();
    const c = new Kit(copy);
    clock.t = 777n;
    expectErrno(copy.mkdirAt(c.root, 'd'), Errno.SUCCESS);
    expect(c.stat('d').mtim).toBe(777n);
    expect(c.stat('d').dev).toBe(5n);
    expectErrno(copy.mkdirAt(c.root, 'e'), Errno.NOSPC);
  });
});
