import { Errno, OpenFlags, newFileStat, type FsHandle, type Ref } from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';
import { FaultyFileSystem } from './faulty-file-system';
import { globToRegExp, Mulberry32, type FaultPlan } from './fault-plan';
import { SystemClock } from '@vos/clock';

const { READ, WRITE, CREATE, DIRECTORY } = OpenFlags;

function setup(plan: FaultPlan): { fs: FaultyFileSystem; inner: MemoryFileSystem; root: FsHandle } {
  const inner = new MemoryFileSystem({ clock: new SystemClock() });
  const ref: Ref<FsHandle | null> = { value: null };
  inner.openRoot(ref);
  const r = ref.value as FsHandle;
  for (const n of ['a.txt', 'b.txt', 'c.log']) {
    inner.openAt(r, n, WRITE | CREATE, ref);
    inner.write(ref.value as FsHandle, new TextEncoder().encode('0123456789'), 0, 10, 0);
    inner.close(ref.value as FsHandle);
  }
  inner.close(r);
  const fs = new FaultyFileSystem(inner, plan);
  fs.openRoot(ref);
  return { fs, inner, root: ref.value as FsHandle };
}

describe('FaultyFileSystem', () => {
  const ref: Ref<FsHandle | null> = { value: null };

  test('an empty plan passes everything through, fast paths included', () => {
    const { fs, inner, root } = setup({ rules: [] });
    expect(fs.capabilities).toBe(inner.capabilities);
    expect(fs.openAt(root, 'a.txt', READ, ref)).toBe(Errno.SUCCESS);
    expect(fs.read(ref.value as FsHandle, new Uint8Array(20), 0, 20, 0)).toBe(10);
    expect(fs.openDirPath).toBe(inner.openDirPath === undefined ? undefined : fs.openDirPath);
    expect(fs.injected).toEqual([]);
  });

  test('by kind: every matching call gets the planned errno, others pass', () => {
    const { fs, root } = setup({ rules: [{ op: 'mkdirAt', errno: Errno.NOSPC }] });
    expect(fs.mkdirAt(root, 'd')).toBe(Errno.NOSPC);
    expect(fs.mkdirAt(root, 'e')).toBe(Errno.NOSPC);
    expect(fs.statAt(root, 'd', newFileStat())).toBe(Errno.NOENT); // the faulted call never reached the backend
    expect(fs.openAt(root, 'a.txt', READ, ref)).toBe(Errno.SUCCESS);
  });

  test('by name pattern (glob or RegExp), on either name of a rename', () => {
    const { fs, root } = setup({
      rules: [
        { op: ['openAt', 'renameAt'], name: '*.log', errno: Errno.IO },
        { op: 'statAt', name: /^b/, errno: Errno.ACCES },
      ],
    });
    expect(fs.openAt(root, 'c.log', READ, ref)).toBe(Errno.IO);
    expect(fs.openAt(root, 'a.txt', READ, ref)).toBe(Errno.SUCCESS);
    expect(fs.renameAt(root, 'a.txt', root, 'x.log')).toBe(Errno.IO);
    expect(fs.statAt(root, 'b.txt', newFileStat())).toBe(Errno.ACCES);
    expect(fs.statAt(root, 'a.txt', newFileStat())).toBe(Errno.SUCCESS);
    expect(fs.openDirPath).toBeUndefined(); // opens are faulted: no fast path may bypass them
    expect(fs.openPath).toBeUndefined();
  });

  test('nth call only, and `times` caps a rule', () => {
    const { fs, root } = setup({
      rules: [
        { op: 'statAt', nth: 3, errno: Errno.INTR },
        { op: 'readdir', errno: Errno.AGAIN, times: 2 },
      ],
    });
    const st = newFileStat();
    expect([1, 2, 3, 4].map(() => fs.statAt(root, 'a.txt', st))).toEqual([0, 0, Errno.INTR, 0]);
    expect([1, 2, 3].map(() => fs.readdir(root, []))).toEqual([Errno.AGAIN, Errno.AGAIN, 0]);
  });

  test('seeded probability is reproducible and roughly right', () => {
    const run = (seed: number): number[] => {
      const { fs, root } = setup({ rules: [{ op: 'statAt', probability: 0.3, errno: Errno.IO }], seed });
      const st = newFileStat();
      return Array.from({ length: 1000 }, () => fs.statAt(root, 'a.txt', st));
    };
    const first = run(42);
    expect(run(42)).toEqual(first);
    expect(run(43)).not.toEqual(first);
    const failures = first.filter((e) => e === Errno.IO).length;
    expect(failures).toBeGreaterThan(230);
    expect(failures).toBeLessThan(370);
  });

  test('short reads and writes transfer fewer bytes', () => {
    const { fs, root } = setup({ rules: [{ op: ['read', 'write'], short: 3 }] });
    expect(fs.openAt(root, 'a.txt', READ | WRITE, ref)).toBe(Errno.SUCCESS);
    const h = ref.value as FsHandle;
    const buf = new Uint8Array(10);
    expect(fs.read(h, buf, 0, 10, 0)).toBe(3);
    expect(new TextDecoder().decode(buf.subarray(0, 3))).toBe('012');
    expect(fs.write(h, new TextEncoder().encode('abcdef'), 0, 6, 0)).toBe(3);
    expect(fs.read(h, buf, 0, 10, 0)).toBe(3);
    expect(new TextDecoder().decode(buf.subarray(0, 3))).toBe('abc');
    expect(fs.injected.every((f) => f.errno === 0)).toBe(true);
  });

  test('read and write errnos come back negated; injected faults are recorded', () => {
    const { fs, root } = setup({ rules: [{ op: 'write', errno: Errno.NOSPC }, { op: 'read', nth: 1, errno: Errno.IO }] });
    expect(fs.openAt(root, 'a.txt', READ | WRITE, ref)).toBe(Errno.SUCCESS);
    const h = ref.value as FsHandle;
    expect(fs.write(h, new Uint8Array(4), 0, 4, 0)).toBe(-Errno.NOSPC);
    expect(fs.read(h, new Uint8Array(4), 0, 4, 0)).toBe(-Errno.IO);
    expect(fs.read(h, new Uint8Array(4), 0, 4, 0)).toBe(4);
    expect(fs.injected).toEqual([
      { op: 'write', name: null, errno: Errno.NOSPC },
      { op: 'read', name: null, errno: Errno.IO },
    ]);
    expect(fs.openAt(root, '.', READ | DIRECTORY, ref)).toBe(Errno.SUCCESS);
  });

  test('a bad plan is refused when the wrapper is built, never at call time', () => {
    const inner = new MemoryFileSystem({ clock: new SystemClock() });
    expect(() => new FaultyFileSystem(inner, { rules: [{ op: 'statAt' }] })).toThrow(TypeError);
    expect(() => new FaultyFileSystem(inner, { rules: [{ op: 'statAt', errno: 0 }] })).toThrow(TypeError);
    expect(() => new FaultyFileSystem(inner, { rules: [{ op: 'nope' as never, errno: 5 }] })).toThrow(TypeError);
    expect(() => new FaultyFileSystem(inner, { rules: [{ op: 'statAt', errno: 5, probability: 2 }] })).toThrow(TypeError);
  });

  test('glob and PRNG helpers', () => {
    expect(globToRegExp('*.t?t').test('a.txt')).toBe(true);
    expect(globToRegExp('*.t?t').test('a.text')).toBe(false);
    expect(globToRegExp('a+b').test('a+b')).toBe(true);
    const r = new Mulberry32(1);
    const xs = [r.next(), r.next(), r.next()];
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Mulberry32(1).next()).toBe(xs[0]);
  });
});
