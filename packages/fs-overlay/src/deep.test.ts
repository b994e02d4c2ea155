import { Errno, OpenFlags, type FileSystem, type FsHandle, type Ref } from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';
import { OverlayFileSystem } from './overlay-file-system';
import { SystemClock } from '@vos/clock';

// No recursion on guest-controlled depth (issue 9): copy-up, opaque-marking and changes() over a tree far deeper
// than any JS stack, walked the way a guest walks it (one openat at a time, parents closed behind it).

const { READ, WRITE, CREATE, DIRECTORY } = OpenFlags;
const DEPTH = 20_000;
const CLOCK = new SystemClock();
const UNLIMITED = { clock: CLOCK, quota: { maxBytes: Infinity, maxInodes: Infinity } };

function open(fs: FileSystem, dir: FsHandle, name: string, flags = READ | DIRECTORY): FsHandle {
  const ref: Ref<FsHandle | null> = { value: null };
  const errno = fs.openAt(dir, name, flags, ref);
  if (errno !== Errno.SUCCESS) throw new Error(`open ${name}: ${errno}`);
  return ref.value as FsHandle;
}

function root(fs: FileSystem): FsHandle {
  const ref: Ref<FsHandle | null> = { value: null };
  expect(fs.openRoot(ref)).toBe(Errno.SUCCESS);
  return ref.value as FsHandle;
}

/** `top/d/d/.../d` DEPTH levels below the root, made one level at a time; returns nothing open. */
function makeDeep(fs: FileSystem, top: string): void {
  let dir = root(fs);
  expect(fs.mkdirAt(dir, top)).toBe(Errno.SUCCESS);
  let next = open(fs, dir, top);
  fs.close(dir);
  dir = next;
  for (let i = 0; i < DEPTH; i++) {
    expect(fs.mkdirAt(dir, 'd')).toBe(Errno.SUCCESS);
    next = open(fs, dir, 'd');
    fs.close(dir);
    dir = next;
  }
  fs.close(dir);
}

/** Opens the deepest directory under `top`, closing each parent behind (so nothing above it is pinned). */
function openDeepest(fs: FileSystem, top: string): FsHandle {
  const r = root(fs);
  let dir = open(fs, r, top);
  fs.close(r);
  for (let i = 0; i < DEPTH; i++) {
    const next = open(fs, dir, 'd');
    fs.close(dir);
    dir = next;
  }
  return dir;
}

test(`copy-up at the bottom of a ${DEPTH}-deep lower tree, then changes()`, () => {
  const lower = new MemoryFileSystem(UNLIMITED);
  makeDeep(lower, 'top');
  const upper = new MemoryFileSystem(UNLIMITED);
  const ov = new OverlayFileSystem(lower, upper);
  const deepest = openDeepest(ov, 'top');
  const f = open(ov, deepest, 'file', READ | WRITE | CREATE); // every ancestor is copied up, top down
  expect(ov.write(f, new Uint8Array([1, 2, 3]), 0, 3, 0)).toBe(3);
  ov.close(f);
  ov.close(deepest);
  expect(upper.usage().inodes).toBe(DEPTH + 3); // root, top, DEPTH d's, the file

  const changes = ov.changes();
  expect(changes.created).toEqual([`top/${'d/'.repeat(DEPTH)}file`]);
  expect(changes.modified).toEqual([]);
  expect(changes.deleted).toEqual([]);
  ov.dispose();
});

test(`renaming a ${DEPTH}-deep lower directory copies the tree up and makes it opaque`, () => {
  const lower = new MemoryFileSystem(UNLIMITED);
  makeDeep(lower, 'top');
  const ov = new OverlayFileSystem(lower, new MemoryFileSystem(UNLIMITED));
  // Look the whole chain up first, so opaque-marking has DEPTH cached nodes to visit.
  ov.close(openDeepest(ov, 'top'));
  const r = root(ov);
  expect(ov.renameAt(r, 'top', r, 'moved')).toBe(Errno.SUCCESS);
  const deepest = openDeepest(ov, 'moved');
  ov.close(deepest);
  // Listing every created path would take DEPTH^2 characters: the listing stops at its budget and says so.
  const changes = ov.changes({ maxPathBytes: 1 << 20 });
  expect(changes.truncated).toBe(true);
  expect(changes.created.length).toBeGreaterThan(100);
  expect(changes.created.reduce((n, p) => n + p.length + 1, 0)).toBeLessThanOrEqual(1 << 20);
  expect(ov.changes({ maxPathBytes: 100 }).created).toEqual(['moved', 'moved/d', 'moved/d/d', 'moved/d/d/d', 'moved/d/d/d/d', 'moved/d/d/d/d/d', 'moved/d/d/d/d/d/d']);
  expect(changes.created[0]).toBe('moved');
  ov.close(r);
  ov.dispose();
});

test('dispose releases the overlay’s own layer handles', () => {
  const lower = new MemoryFileSystem({ clock: CLOCK });
  const ov = new OverlayFileSystem(lower, new MemoryFileSystem({ clock: CLOCK }));
  const lowerRoot = (ov as unknown as { root: { lowerH: unknown } }).root;
  expect(lowerRoot.lowerH).not.toBeNull();
  ov.dispose();
  expect(lowerRoot.lowerH).toBeNull();
  const ref: Ref<FsHandle | null> = { value: null };
  expect(ov.openRoot(ref)).toBe(Errno.BADF);
  expect(() => ov.changes()).toThrow('after dispose');
});
