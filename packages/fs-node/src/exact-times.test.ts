import { newFileStat, type FileStat } from '../../core/src/providers/fs';
import { ExactTimes } from './exact-times';

function stat(ino: bigint, atim: bigint, mtim: bigint): FileStat {
  return { ...newFileStat(), dev: 1n, ino, atim, mtim };
}

describe('ExactTimes (the JavaScript path\'s ns timestamps)', () => {
  test('reports the exact value while the host holds the stored one, per time', () => {
    const t = new ExactTimes();
    t.remember(stat(1n, 5_000_000n, 9_000_000n), 5_000_123n, 9_000_456n);
    const out = stat(1n, 5_000_000n, 9_000_000n);
    t.apply(out);
    expect([out.atim, out.mtim]).toEqual([5_000_123n, 9_000_456n]);
    const moved = stat(1n, 5_000_000n, 10_000_000n); // the host moved mtime (a write)
    t.apply(moved);
    expect([moved.atim, moved.mtim]).toEqual([5_000_123n, 10_000_000n]);
    const back = stat(1n, 5_000_000n, 9_000_000n); // mtime is forgotten for good, atime still holds
    t.apply(back);
    expect([back.atim, back.mtim]).toEqual([5_000_123n, 9_000_000n]);
    const other = stat(2n, 5_000_000n, 9_000_000n); // another inode is untouched
    t.apply(other);
    expect([other.atim, other.mtim]).toEqual([5_000_000n, 9_000_000n]);
  });

  test('remembers nothing when the host holds the exact values', () => {
    const t = new ExactTimes();
    t.remember(stat(1n, 5_000_000n, 9_000_000n), 5_000_000n, 9_000_000n);
    expect(t.size).toBe(0);
  });

  test('is bounded: beyond its budget the oldest inode falls back to the host value', () => {
    const t = new ExactTimes(3);
    for (let i = 1n; i <= 4n; i++) t.remember(stat(i, 1000n, 1000n), 1001n, 1002n);
    expect(t.size).toBe(3);
    const first = stat(1n, 1000n, 1000n);
    t.apply(first);
    expect([first.atim, first.mtim]).toEqual([1000n, 1000n]);
    const last = stat(4n, 1000n, 1000n);
    t.apply(last);
    expect([last.atim, last.mtim]).toEqual([1001n, 1002n]);
  });
});
