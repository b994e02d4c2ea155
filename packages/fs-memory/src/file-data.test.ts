import { FileData, newDataCounters } from './file-data';

// The buffer invariant (bytes past `size` are zero) and the copy-on-write bookkeeping, below the filesystem.
function bytes(data: FileData): number[] {
  return [...data.view()];
}

test('growth doubles the first chunk; truncate grows it exactly, and beyond it leaves a hole', () => {
  const counters = newDataCounters();
  const data = new FileData(counters);
  expect(data.write(0, new Uint8Array([1]), 0, 1)).toBe(true);
  expect(data.capacity).toBe(64);
  data.write(64, new Uint8Array([2]), 0, 1);
  expect(data.capacity).toBe(128);
  expect(counters.reallocations).toBe(1);
  expect(data.resize(1000)).toBe(true);
  expect(data.capacity).toBe(1000);
  expect(counters.allocatedBytes).toBe(1000);
  expect(data.resize(10 * 1024 * 1024)).toBe(true); // sparse: only the first chunk is allocated
  expect(data.capacity).toBe(64 * 1024);
  const tail = new Uint8Array(4).fill(7);
  expect(data.read(10 * 1024 * 1024 - 4, tail, 0, 4)).toBe(4);
  expect([...tail]).toEqual([0, 0, 0, 0]);
});

test('a large sequential write copies each byte once (no regrowth past the first chunk)', () => {
  const counters = newDataCounters();
  const data = new FileData(counters);
  const block = new Uint8Array(64 * 1024).fill(5);
  for (let i = 0; i < 256; i++) expect(data.write(i * block.length, block, 0, block.length)).toBe(true);
  expect(data.size).toBe(16 * 1024 * 1024);
  expect(counters.reallocations).toBe(0);
  expect(counters.allocatedBytes).toBe(16 * 1024 * 1024);
  const out = new Uint8Array(10);
  expect(data.read(5 * 1024 * 1024 - 5, out, 0, 10)).toBe(10);
  expect([...out]).toEqual(new Array(10).fill(5));
});

test('writes and reads that straddle chunk boundaries, and clones that share chunks', () => {
  const data = new FileData(newDataCounters());
  const src = new Uint8Array(200000).map((_, i) => i % 251);
  expect(data.write(1000, src, 0, src.length)).toBe(true);
  const back = new Uint8Array(src.length);
  expect(data.read(1000, back, 0, back.length)).toBe(src.length);
  expect(Buffer.compare(Buffer.from(back), Buffer.from(src))).toBe(0);
  const other = newDataCounters();
  const copy = data.share(other);
  expect(copy.write(70000, new Uint8Array([42]), 0, 1)).toBe(true);
  expect(other.copiesOnWrite).toBe(1); // one chunk copied, not the file
  const one = new Uint8Array(1);
  data.read(70000, one, 0, 1);
  expect(one[0]).toBe(src[69000]);
  copy.read(70000, one, 0, 1);
  expect(one[0]).toBe(42);
});

test('shrink then grow reads zeros, never the old bytes', () => {
  const data = FileData.of(new Uint8Array([1, 2, 3, 4]), newDataCounters());
  data.resize(1);
  data.resize(4);
  expect(bytes(data)).toEqual([1, 0, 0, 0]);
  data.resize(2);
  data.write(3, new Uint8Array([9]), 0, 1);
  expect(bytes(data)).toEqual([1, 0, 0, 9]);
});

test('a shared buffer is copied on first change by either side, then written in place', () => {
  const a = newDataCounters();
  const b = newDataCounters();
  const original = FileData.of(new Uint8Array([1, 2, 3]), a);
  const copy = original.share(b);
  expect(original.shared && copy.shared).toBe(true);
  expect(b.allocatedBytes).toBe(3);
  copy.resize(2); // a shared shrink copies too: the original's bytes must stay
  expect(b.copiesOnWrite).toBe(1);
  expect(bytes(original)).toEqual([1, 2, 3]);
  expect(original.shared).toBe(false);
  original.write(0, new Uint8Array([7]), 0, 1);
  expect(a.copiesOnWrite + a.reallocations).toBe(0);
  expect(bytes(copy)).toEqual([1, 2]);
  copy.resize(3);
  expect(bytes(copy)).toEqual([1, 2, 0]);
});

test('release gives the buffer back; the other side is then sole owner', () => {
  const a = newDataCounters();
  const original = FileData.of(new Uint8Array(10), a);
  const copy = original.share(newDataCounters());
  original.release();
  expect(a.allocatedBytes).toBe(0);
  expect(copy.shared).toBe(false);
  expect(original.size).toBe(0);
});

test('reads stop at the end of file and copy into the right offset', () => {
  const data = FileData.of(new Uint8Array(40).map((_, i) => i), newDataCounters());
  const dst = new Uint8Array(50);
  expect(data.read(5, dst, 10, 100)).toBe(35); // the large-copy path
  expect(dst[10]).toBe(5);
  expect(dst[44]).toBe(39);
  expect(data.read(38, dst, 0, 5)).toBe(2); // the small-copy path
  expect(data.read(40, dst, 0, 5)).toBe(0);
});
