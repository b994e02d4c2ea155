import { Errno, newFileStat } from '@vos/core';
import { DEFAULT_MEMORY_QUOTA, ENTRY_COST, MemoryFileSystem } from './index';

/** What a one-letter name costs against maxBytes. */
const E = ENTRY_COST + 1;
import { APPEND, CREATE, READ, WRITE, expectErrno, Kit } from './testing/kit';
import { SystemClock } from '@vos/clock';

// Quotas are checked before anything changes: a refused call leaves size, contents and usage as they were.
describe('quotas', () => {
  test('maxBytes: a write that would not fit is ENOSPC and writes nothing', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxBytes: 10 + 2 * E } });
    const k = new Kit(fs);
    k.write('a', '123456');
    const h = k.open(k.root, 'b', READ | WRITE | CREATE);
    expect(fs.write(h, new Uint8Array(5).fill(1), 0, 5, 0)).toBe(-Errno.NOSPC);
    expect(k.stat('b').size).toBe(0n);
    expect(fs.usage().bytes).toBe(6);
    expect(fs.write(h, new Uint8Array(4).fill(1), 0, 4, 0)).toBe(4);
    expect(fs.write(h, new Uint8Array(4).fill(2), 0, 4, 0)).toBe(4); // overwriting needs no new bytes
    expect(fs.write(h, new Uint8Array(1), 0, 1, -1)).toBe(-Errno.NOSPC);
    expectErrno(fs.truncate(h, 5), Errno.NOSPC);
    expectErrno(fs.allocate(h, 0, 5), Errno.NOSPC);
    expect(k.stat('b').size).toBe(4n);
    expect(k.read('b')).toBe('\u0002\u0002\u0002\u0002');
  });

  test('maxBytes: freed bytes (truncate, unlink) can be used again; sparse holes count', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxBytes: 10 + 2 * E } });
    const k = new Kit(fs);
    const h = k.open(k.root, 'a', WRITE | CREATE);
    expect(fs.write(h, new Uint8Array(1), 0, 1, 9)).toBe(1);
    expect(fs.usage().bytes).toBe(10);
    expectErrno(k.openErrno(k.root, 'b', WRITE | CREATE), Errno.SUCCESS); // an empty file costs no bytes
    expectErrno(fs.truncate(h, 2), Errno.SUCCESS);
    expect(fs.usage().bytes).toBe(2);
    fs.close(h);
    expectErrno(fs.unlinkAt(k.root, 'a'), Errno.SUCCESS);
    expect(fs.usage().bytes).toBe(0);
    k.write('c', '0123456789');
  });

  test('maxBytes: an unlinked file still open keeps its bytes until closed', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxBytes: 10 + E } });
    const k = new Kit(fs);
    k.write('a', '0123456789');
    const h = k.open(k.root, 'a', READ);
    expectErrno(fs.unlinkAt(k.root, 'a'), Errno.SUCCESS);
    const w = k.open(k.root, 'b', WRITE | CREATE);
    expect(fs.write(w, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.NOSPC);
    fs.close(h);
    expect(fs.write(w, new Uint8Array(1), 0, 1, 0)).toBe(1);
  });

  test('maxInodes: creating past the limit is ENOSPC (the root counts); hard links take no inode', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxInodes: 3 } });
    const k = new Kit(fs);
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    k.write('f', '');
    expectErrno(k.openErrno(k.root, 'g', WRITE | CREATE), Errno.NOSPC);
    expectErrno(fs.mkdirAt(k.root, 'e'), Errno.NOSPC);
    expectErrno(fs.symlinkAt('f', k.root, 'l'), Errno.NOSPC);
    expectErrno(fs.linkAt(k.root, 'f', k.root, 'f2'), Errno.SUCCESS);
    expect(k.names()).toEqual(['d', 'f', 'f2']);
    expectErrno(fs.rmdirAt(k.root, 'd'), Errno.SUCCESS);
    expectErrno(fs.symlinkAt('f', k.root, 'l'), Errno.SUCCESS);
  });

  test('maxFileSize: growth past it is EFBIG (write, truncate, allocate), nothing written', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxFileSize: 8 } });
    const k = new Kit(fs);
    const h = k.open(k.root, 'f', READ | WRITE | CREATE | APPEND);
    expect(fs.write(h, new Uint8Array(6).fill(1), 0, 6, -1)).toBe(6);
    expect(fs.write(h, new Uint8Array(3).fill(2), 0, 3, -1)).toBe(-Errno.FBIG);
    expectErrno(fs.truncate(h, 9), Errno.FBIG);
    expectErrno(fs.allocate(h, 4, 5), Errno.FBIG);
    const st = newFileStat();
    expectErrno(fs.stat(h, st), Errno.SUCCESS);
    expect(st.size).toBe(6n);
    expect(fs.write(h, new Uint8Array(2).fill(2), 0, 2, -1)).toBe(2);
    expectErrno(fs.truncate(h, 8), Errno.SUCCESS);
  });

  test('without a quota, the host limit on one buffer still answers EFBIG', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock() });
    const k = new Kit(fs);
    const h = k.open(k.root, 'f', WRITE | CREATE);
    expect(fs.write(h, new Uint8Array(1), 0, 1, 2 ** 32)).toBe(-Errno.FBIG);
    expectErrno(fs.truncate(h, 2 ** 40), Errno.FBIG);
    expect(fs.usage().bytes).toBe(0);
  });

  test('fromObject beyond a quota throws, naming the path and errno', () => {
    expect(() => MemoryFileSystem.fromObject({ a: '12345', b: '67890' }, { clock: new SystemClock(), quota: { maxBytes: 2 * E + 8 } })).toThrow(
      'fromObject: b: NOSPC',
    );
  });

  test('directory entries, hard links and symlink targets count against maxBytes', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxBytes: 3 * E + 10 } });
    const k = new Kit(fs);
    k.write('f', '');
    expectErrno(fs.linkAt(k.root, 'f', k.root, 'g'), Errno.SUCCESS);
    expectErrno(fs.mkdirAt(k.root, 'd'), Errno.SUCCESS);
    expect(fs.usage().metadataBytes).toBe(3 * E);
    expectErrno(fs.linkAt(k.root, 'f', k.root, 'h'), Errno.NOSPC);
    expectErrno(fs.mkdirAt(k.root, 'e'), Errno.NOSPC);
    expectErrno(fs.unlinkAt(k.root, 'g'), Errno.SUCCESS);
    expectErrno(fs.symlinkAt('x'.repeat(11), k.root, 'l'), Errno.NOSPC); // the target's bytes count
    expectErrno(fs.symlinkAt('x'.repeat(10), k.root, 'l'), Errno.SUCCESS);
    expect(fs.usage().metadataBytes).toBe(3 * E + 10);
    expectErrno(fs.renameAt(k.root, 'l', k.root, 'longer'), Errno.NOSPC); // a longer name costs more
    expectErrno(fs.renameAt(k.root, 'l', k.root, 'f'), Errno.SUCCESS); // over an existing name: frees one entry
    expect(fs.usage().metadataBytes).toBe(2 * E + 10);
    expectErrno(fs.unlinkAt(k.root, 'f'), Errno.SUCCESS); // the symlink: its target is given back too
    expect(fs.usage().metadataBytes).toBe(E);
    expect(fs.clone().usage().metadataBytes).toBe(E);
  });

  test('every filesystem has the default quota; Infinity lifts it; bad values throw naming the key', () => {
    const fs = new MemoryFileSystem({ clock: new SystemClock() });
    const k = new Kit(fs);
    const h = k.open(k.root, 'f', WRITE | CREATE);
    expect(fs.write(h, new Uint8Array(1), 0, 1, DEFAULT_MEMORY_QUOTA.maxBytes)).toBe(-Errno.NOSPC);
    expect(fs['maxInodes']).toBe(262_144);
    const big = new MemoryFileSystem({ clock: new SystemClock(), quota: { maxBytes: Infinity } });
    expect(big['maxBytes']).toBe(Infinity);
    expect(() => new MemoryFileSystem({ clock: new SystemClock(), quota: { maxInodes: -1 } })).toThrow('quota.maxInodes');
    expect(() => new MemoryFileSystem({ clock: new SystemClock(), quota: { maxBytes: 'x' as never } })).toThrow('quota.maxBytes');
  });
});
