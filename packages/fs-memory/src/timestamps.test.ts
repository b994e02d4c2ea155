import { Errno } from '@vos/core';
import { MemoryFileSystem } from './index';
import { CREATE, READ, WRITE, enc, expectErrno, FakeClock, Kit } from './testing/kit';

// Every time comes from the injected clock (realtime, id 0): POSIX marks without relatime.
function setup() {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ clock });
  return { clock, fs, k: new Kit(fs) };
}

function times(k: Kit, name: string) {
  const st = k.stat(name);
  return { a: st.atim, m: st.mtim, c: st.ctim };
}

test('creation stamps the new inode and the directory’s mtime and ctime', () => {
  const { clock, fs, k } = setup();
  expect(times(k, '.')).toEqual({ a: 1000n, m: 1000n, c: 1000n });
  clock.t = 2000n;
  const h = k.open(k.root, 'f', WRITE | CREATE);
  expect(times(k, 'f')).toEqual({ a: 2000n, m: 2000n, c: 2000n });
  expect(times(k, '.')).toEqual({ a: 1000n, m: 2000n, c: 2000n });
  clock.t = 3000n;
  expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
  expectErrno(fs.symlinkAt('f', k.root, 'l'), Errno.SUCCESS);
  expect(times(k, 'd').m).toBe(3000n);
  expect(times(k, 'l').m).toBe(3000n);
  expect(times(k, '.').m).toBe(3000n);
  fs.close(h);
});

test('write marks mtime and ctime; read marks atime; an empty write marks nothing', () => {
  const { clock, fs, k } = setup();
  const h = k.open(k.root, 'f', READ | WRITE | CREATE);
  clock.t = 2000n;
  expect(fs.write(h, enc.encode('abc'), 0, 3, 0)).toBe(3);
  expect(times(k, 'f')).toEqual({ a: 1000n, m: 2000n, c: 2000n });
  clock.t = 3000n;
  expect(fs.read(h, new Uint8Array(3), 0, 3, 0)).toBe(3);
  expect(times(k, 'f')).toEqual({ a: 3000n, m: 2000n, c: 2000n });
  clock.t = 4000n;
  expect(fs.write(h, new Uint8Array(0), 0, 0, 0)).toBe(0);
  expect(times(k, 'f')).toEqual({ a: 3000n, m: 2000n, c: 2000n });
  expectErrno(fs.truncate(h, 1), Errno.SUCCESS);
  expect(times(k, 'f')).toEqual({ a: 3000n, m: 4000n, c: 4000n });
});

test('metadata changes mark ctime only: link, rename, setTimes', () => {
  const { clock, fs, k } = setup();
  k.write('f', 'x');
  clock.t = 2000n;
  expectErrno(fs.linkAt(k.root, 'f', k.root, 'g'), Errno.SUCCESS);
  expect(times(k, 'f')).toEqual({ a: 1000n, m: 1000n, c: 2000n });
  clock.t = 3000n;
  expectErrno(fs.renameAt(k.root, 'g', k.root, 'h'), Errno.SUCCESS);
  expect(times(k, 'h')).toEqual({ a: 1000n, m: 1000n, c: 3000n });
  expect(times(k, '.')).toEqual({ a: 1000n, m: 3000n, c: 3000n });
  clock.t = 4000n;
  expectErrno(fs.setTimesAt(k.root, 'f', 5n, 6n), Errno.SUCCESS);
  expect(times(k, 'f')).toEqual({ a: 5n, m: 6n, c: 4000n });
  clock.t = 5000n;
  expectErrno(fs.unlinkAt(k.root, 'h'), Errno.SUCCESS);
  expect(times(k, 'f').c).toBe(5000n);
  expect(times(k, '.').m).toBe(5000n);
});

test('readdir marks the directory’s atime', () => {
  const { clock, fs, k } = setup();
  clock.t = 2000n;
  expectErrno(fs.readdir(k.root, []), Errno.SUCCESS);
  expect(times(k, '.')).toEqual({ a: 2000n, m: 1000n, c: 1000n });
});

test('the clock is required: every timestamp comes from the clock given, there is no wall-clock default', () => {
  const k = new Kit(new MemoryFileSystem({ clock: { now: () => 42n } }));
  expect(times(k, '.')).toEqual({ a: 42n, m: 42n, c: 42n });
  // @ts-expect-error a MemoryFileSystem cannot be built without a clock (a forgotten fake clock was a bug)
  expect(() => new MemoryFileSystem()).toThrow(TypeError);
  // @ts-expect-error likewise for the builders
  expect(() => MemoryFileSystem.fromObject({ f: 'x' }, {})).toThrow(TypeError);
});
