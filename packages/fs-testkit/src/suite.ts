/**
 * The filesystem behaviour suite (STYLE habit 10, after ZenFS): one backend-agnostic suite that checks the
 * `FileSystem` contract of `@vos/core` through that interface only. Call it from your own tests:
 *
 *   describeFileSystemBehaviour('my backend', () => ({ fs: new MyFileSystem() }), { seed: (tree) => ({ fs: fromTree(tree) }) });
 *
 * - `make` gives an empty backend for each test (and `cleanup` after it).
 * - `seed` (optional) gives a backend that holds exactly the tree it is handed: every read test then runs on it,
 *   which is how a read-only backend proves its reads. Without `seed`, a writable backend is seeded through its
 *   own contract (`openAt`/`write`/`mkdirAt`/`symlinkAt`); a read-only one without `seed` skips the read tests.
 * - What applies is decided by the backend's own `capabilities` (`readOnly`, `symlinks`, `hardLinks`,
 *   `timestampResolutionNs`) plus the suite's `capabilities` option for what the contract lets a backend refuse
 *   (`rename`, `times`): a test is skipped only when the backend declares it cannot do that thing.
 * - The test functions come from `options.api` (`{ describe, test, expect, beforeEach, afterEach }`, as jest,
 *   vitest and the browser harness of this repository have them) or, when it is omitted, from the globals of
 *   those runners. Nothing here imports a test runner or a Node module, so the suite runs under jest, vitest,
 *   in a browser page, or against a backend behind an async channel (as long as its calls are synchronous).
 */
import { Errno, errnoName, Filetype, DECLINED, IOV_MAX, newFileStat, OpenFlags, readByParts, writeByParts } from '@vos/core';
import type { DirEntry, FileSystem, FsHandle, Ref } from '@vos/core';

export interface FileSystemUnderTest {
  fs: FileSystem;
  /** Called after each test (remove temp dirs...). */
  cleanup?: () => void;
}

/** The content of a seeded backend: names to file text or bytes, `{ symlink: target }`, or a subdirectory. */
export interface SeedTree {
  readonly [name: string]: string | Uint8Array | { readonly symlink: string } | SeedTree;
}

/** What the contract lets a backend refuse beyond `FsCapabilities`; each defaults to true for a writable backend. */
export interface TestkitCapabilities {
  /** `renameAt` works (false: ENOSYS/ENOTSUP is expected instead, and the rename tests are skipped). */
  readonly rename?: boolean;
  /** `setTimesAt`/`setTimes` store times. */
  readonly times?: boolean;
}

/** The part of a matcher the suite uses (jest's and vitest's `expect` both have it). */
export interface Expectation {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toBeGreaterThanOrEqual(expected: number | bigint): void;
}
type TestFn = (name: string, fn: () => void) => void;
/** The test functions the suite calls. */
export interface TestApi {
  describe(name: string, fn: () => void): void;
  test: TestFn & { skip?: TestFn };
  expect(actual: unknown): Expectation;
  beforeEach(fn: () => void): void;
  afterEach(fn: () => void): void;
}

export interface BehaviourOptions {
  /** A backend holding exactly `tree` (see the module comment). */
  seed?: (tree: SeedTree) => FileSystemUnderTest;
  /** Whether the seeded tree holds a symlink (default: `capabilities.symlinks`, or true with `seed`). */
  seedSymlinks?: boolean;
  capabilities?: TestkitCapabilities;
  /** The test functions (default: the globals `describe`, `test` or `it`, `expect`, `beforeEach`, `afterEach`). */
  api?: TestApi;
}

/** The tree the read tests run on. */
export const STANDARD_SEED: SeedTree = {
  'hello.txt': 'hello world',
  empty: '',
  bytes: Uint8Array.from({ length: 256 }, (_, i) => i),
  dir: { 'inner.txt': 'inner text', sub: {} },
};
const SEED_LINK = { link: { symlink: 'hello.txt' } };

function resolveApi(api: TestApi | undefined): TestApi {
  if (api !== undefined) return api;
  const g = globalThis as Record<string, unknown>;
  const test = (g.test ?? g.it) as TestApi['test'] | undefined;
  for (const [name, value] of [['describe', g.describe], ['test or it', test], ['expect', g.expect], ['beforeEach', g.beforeEach], ['afterEach', g.afterEach]] as const) {
    if (typeof value !== 'function') {
      throw new Error(`@vos/fs-testkit: no global ${name}; pass the test functions as options.api ({ describe, test, expect, beforeEach, afterEach })`);
    }
  }
  return { describe: g.describe, test, expect: g.expect, beforeEach: g.beforeEach, afterEach: g.afterEach } as TestApi;
}

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Writes `parts` (buffer offset, length) as a wasm32 iovec array at `at` of `mem`; returns their count. */
function iovecs(mem: Uint8Array, at: number, parts: readonly (readonly [number, number])[]): number {
  const view = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
  parts.forEach(([buf, len], i) => {
    view.setUint32(at + i * 8, buf, true);
    view.setUint32(at + i * 8 + 4, len, true);
  });
  return parts.length;
}

/** Writes `tree` into `dir` through the contract (a writable backend seeds itself this way). */
export function writeTree(fs: FileSystem, dir: FsHandle, tree: SeedTree): Errno {
  const ref: Ref<FsHandle | null> = { value: null };
  for (const [name, value] of Object.entries(tree)) {
    let errno: Errno;
    if (typeof value === 'string' || value instanceof Uint8Array) {
      const bytes = typeof value === 'string' ? enc.encode(value) : value;
      errno = fs.openAt(dir, name, WRITE | CREATE | TRUNC, ref);
      if (errno !== Errno.SUCCESS) return errno;
      const h = ref.value as FsHandle;
      const n = fs.write(h, bytes, 0, bytes.length, 0);
      fs.close(h);
      if (n !== bytes.length) return n < 0 ? (-n as Errno) : Errno.IO;
    } else if (typeof (value as { symlink?: unknown }).symlink === 'string') {
      errno = fs.symlinkAt((value as { symlink: string }).symlink, dir, name);
      if (errno !== Errno.SUCCESS) return errno;
    } else {
      errno = fs.mkdirAt(dir, name);
      if (errno !== Errno.SUCCESS) return errno;
      errno = fs.openAt(dir, name, READ | DIRECTORY, ref);
      if (errno !== Errno.SUCCESS) return errno;
      const d = ref.value as FsHandle;
      errno = writeTree(fs, d, value as SeedTree);
      fs.close(d);
      if (errno !== Errno.SUCCESS) return errno;
    }
  }
  return Errno.SUCCESS;
}

export function describeFileSystemBehaviour(name: string, make: () => FileSystemUnderTest, options: BehaviourOptions = {}): void {
  const api = resolveApi(options.api);
  const { describe, expect, beforeEach, afterEach } = api;
  const test: TestFn = (n, fn) => api.test(n, fn);
  const skipFn = api.test.skip;
  const skip: TestFn = skipFn !== undefined ? (n, fn) => skipFn(n, fn) : (n) => api.test(`${n} (skipped: not declared)`, () => {});
  /** `expect(errno)` with the WASI name in the failure message. */
  function expectErrno(actual: number, expected: number): void {
    expect(errnoName(actual)).toBe(errnoName(expected));
  }
  // Capabilities are a property of the backend: read them once to choose which tests apply.
  const probe = make();
  const caps = probe.fs.capabilities;
  probe.cleanup?.();
  const mutating = caps.readOnly ? skip : test;
  const withSymlinks = !caps.readOnly && caps.symlinks ? test : skip;
  const withHardLinks = !caps.readOnly && caps.hardLinks ? test : skip;
  const renames = !caps.readOnly && options.capabilities?.rename !== false ? test : skip;
  const times = !caps.readOnly && options.capabilities?.times !== false ? test : skip;
  const seedLinks = options.seedSymlinks ?? (options.seed !== undefined ? true : caps.symlinks);
  const seedTree: SeedTree = seedLinks ? { ...STANDARD_SEED, ...SEED_LINK } : STANDARD_SEED;
  const canSeed = options.seed !== undefined || !caps.readOnly;
  const seeded = canSeed ? test : skip;
  const seededLinks = canSeed && seedLinks ? test : skip;
  // Vectored I/O: the backend's own `readv`/`writev`, or the core's fallback of one call per iovec.
  const vectored = probe.fs.readv !== undefined || probe.fs.writev !== undefined ? 'readv/writev' : 'readv/writev by parts';

  describe(`FileSystem behaviour: ${name}`, () => {
    let fs: FileSystem;
    let cleanup: (() => void) | undefined;
    let root: FsHandle;
    const ref: Ref<FsHandle | null> = { value: null };
    const opened: FsHandle[] = [];

    beforeEach(() => {
      ({ fs, cleanup } = make());
      expectErrno(fs.openRoot(ref), Errno.SUCCESS);
      root = ref.value as FsHandle;
    });
    afterEach(() => {
      for (const h of opened.splice(0)) fs.close(h);
      fs.close(root);
      cleanup?.();
    });

    // ---- helpers (each test's handles are closed in afterEach) ----

    function open(dir: FsHandle, n: string, flags: number): FsHandle {
      const out: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openAt(dir, n, flags, out), Errno.SUCCESS);
      opened.push(out.value as FsHandle);
      return out.value as FsHandle;
    }
    function openErrno(dir: FsHandle, n: string, flags: number): number {
      const out: Ref<FsHandle | null> = { value: null };
      const errno = fs.openAt(dir, n, flags, out);
      if (errno === Errno.SUCCESS) opened.push(out.value as FsHandle);
      return errno;
    }
    function writeFile(dir: FsHandle, n: string, text: string): void {
      const h = open(dir, n, WRITE | CREATE | TRUNC);
      const bytes = enc.encode(text);
      expect(fs.write(h, bytes, 0, bytes.length, 0)).toBe(bytes.length);
    }
    function readFile(dir: FsHandle, n: string): string {
      const h = open(dir, n, READ);
      const st = newFileStat();
      expectErrno(fs.stat(h, st), Errno.SUCCESS);
      const buf = new Uint8Array(Number(st.size) + 16);
      let total = 0;
      for (;;) {
        const got = fs.read(h, buf, total, buf.length - total, total);
        expect(got).toBeGreaterThanOrEqual(0);
        if (got === 0) break;
        total += got;
      }
      return dec.decode(buf.subarray(0, total));
    }
    function statOf(dir: FsHandle, n: string) {
      const st = newFileStat();
      expectErrno(fs.statAt(dir, n, st), Errno.SUCCESS);
      return st;
    }
    function statErrno(dir: FsHandle, n: string): number {
      return fs.statAt(dir, n, newFileStat());
    }
    function list(dir: FsHandle): DirEntry[] {
      const out: DirEntry[] = [];
      expectErrno(fs.readdir(dir, out), Errno.SUCCESS);
      return out;
    }
    function names(dir: FsHandle): string[] {
      return list(dir).map((e) => e.name).sort();
    }
    /** The backend's `readv`, or the core's one `read` per iovec where it has none (what the core calls). */
    function readv(sfs: FileSystem, h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
      return sfs.readv !== undefined ? sfs.readv(h, mem, iovs, count, position) : readByParts(sfs, h, mem, iovs, count, position);
    }
    function writev(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
      return fs.writev !== undefined ? fs.writev(h, mem, iovs, count, position) : writeByParts(fs, h, mem, iovs, count, position);
    }

    // ---- always applicable ----

    test('the root is a directory, stat-able through `.` and as a handle', () => {
      expect(statOf(root, '.').filetype).toBe(Filetype.DIRECTORY);
      const st = newFileStat();
      expectErrno(fs.stat(root, st), Errno.SUCCESS);
      expect(st.filetype).toBe(Filetype.DIRECTORY);
      expect(st.ino).toBe(statOf(root, '.').ino);
    });

    test('openRoot gives independent handles', () => {
      const other: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openRoot(other), Errno.SUCCESS);
      fs.close(other.value as FsHandle);
      expectErrno(fs.statAt(root, '.', newFileStat()), Errno.SUCCESS);
    });

    test('statAt/openAt of a missing name is ENOENT', () => {
      expectErrno(statErrno(root, 'missing'), Errno.NOENT);
      expectErrno(openErrno(root, 'missing', READ), Errno.NOENT);
    });

    test('capabilities are well-formed', () => {
      expect(typeof caps.readOnly).toBe('boolean');
      expect(typeof caps.symlinks).toBe('boolean');
      expect(typeof caps.hardLinks).toBe('boolean');
      expect(caps.timestampResolutionNs).toBeGreaterThanOrEqual(1n);
    });

    test('closing a handle twice is harmless', () => {
      const out: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openAt(root, '.', READ | DIRECTORY, out), Errno.SUCCESS);
      fs.close(out.value as FsHandle);
      fs.close(out.value as FsHandle);
      expectErrno(fs.statAt(root, '.', newFileStat()), Errno.SUCCESS);
    });

    test('opening `.` gives the directory itself; for writing it is EISDIR', () => {
      const h = open(root, '.', READ | DIRECTORY);
      const st = newFileStat();
      expectErrno(fs.stat(h, st), Errno.SUCCESS);
      expect(st.ino).toBe(statOf(root, '.').ino);
      expectErrno(openErrno(root, '.', READ | WRITE), Errno.ISDIR);
    });

    (caps.readOnly ? test : skip)('a read-only backend refuses every mutation with EROFS', () => {
      expectErrno(openErrno(root, 'new', WRITE | CREATE), Errno.ROFS);
      expectErrno(fs.mkdirAt(root, 'new'), Errno.ROFS);
      expectErrno(fs.symlinkAt('x', root, 'new'), Errno.ROFS);
      expectErrno(fs.setTimesAt(root, '.', 1000n, 1000n), Errno.ROFS);
    });

    // ---- reads, on seeded content (every backend, read-only ones through `seed`) ----

    /** Runs `fn` on a backend holding `seedTree`, then closes what it opened. */
    function withSeeded(fn: (sfs: FileSystem, sroot: FsHandle, openIn: (dir: FsHandle, n: string, flags: number) => FsHandle) => void): void {
      const under = options.seed !== undefined ? options.seed(seedTree) : make();
      const sfs = under.fs;
      const handles: FsHandle[] = [];
      const ref: Ref<FsHandle | null> = { value: null };
      try {
        expectErrno(sfs.openRoot(ref), Errno.SUCCESS);
        const sroot = ref.value as FsHandle;
        handles.push(sroot);
        if (options.seed === undefined) expectErrno(writeTree(sfs, sroot, seedTree), Errno.SUCCESS);
        fn(sfs, sroot, (dir, n, flags) => {
          const out: Ref<FsHandle | null> = { value: null };
          expectErrno(sfs.openAt(dir, n, flags, out), Errno.SUCCESS);
          handles.push(out.value as FsHandle);
          return out.value as FsHandle;
        });
      } finally {
        for (const h of handles.reverse()) sfs.close(h);
        under.cleanup?.();
      }
    }

    seeded('seeded: statAt gives the type and size of files and directories', () => {
      withSeeded((sfs, sroot) => {
        const st = newFileStat();
        expectErrno(sfs.statAt(sroot, 'hello.txt', st), Errno.SUCCESS);
        expect(st.filetype).toBe(Filetype.REGULAR_FILE);
        expect(st.size).toBe(11n);
        expectErrno(sfs.statAt(sroot, 'empty', st), Errno.SUCCESS);
        expect(st.size).toBe(0n);
        expectErrno(sfs.statAt(sroot, 'dir', st), Errno.SUCCESS);
        expect(st.filetype).toBe(Filetype.DIRECTORY);
        expectErrno(sfs.statAt(sroot, 'missing', st), Errno.NOENT);
      });
    });

    seeded('seeded: read at positions, at EOF and beyond; binary bytes come back exactly', () => {
      withSeeded((sfs, sroot, openIn) => {
        const h = openIn(sroot, 'hello.txt', READ);
        const buf = new Uint8Array(8);
        expect(sfs.read(h, buf, 2, 4, 6)).toBe(4);
        expect(dec.decode(buf.subarray(2, 6))).toBe('worl');
        expect(sfs.read(h, buf, 0, 8, 8)).toBe(3);
        expect(sfs.read(h, buf, 0, 8, 11)).toBe(0);
        expect(sfs.read(h, buf, 0, 8, 1000)).toBe(0);
        const b = openIn(sroot, 'bytes', READ);
        const all = new Uint8Array(300);
        let got = 0;
        for (;;) {
          const n = sfs.read(b, all, got, all.length - got, got);
          expect(n).toBeGreaterThanOrEqual(0);
          if (n === 0) break;
          got += n;
        }
        expect(got).toBe(256);
        expect(Array.from(all.subarray(0, 256))).toEqual(Array.from({ length: 256 }, (_, i) => i));
        expect(sfs.read(openIn(sroot, 'empty', READ), buf, 0, 8, 0)).toBe(0);
      });
    });

    seeded(`seeded: ${vectored} scatters across iovecs (zero-length ones too), short at EOF, 0 past it`, () => {
      withSeeded((sfs, sroot, openIn) => {
        const h = openIn(sroot, 'hello.txt', READ);
        const mem = new Uint8Array(256);
        const count = iovecs(mem, 0, [[100, 3], [120, 0], [140, 4]]);
        expect(readv(sfs, h, mem, 0, count, 2)).toBe(7);
        expect(dec.decode(mem.subarray(100, 103)) + '|' + dec.decode(mem.subarray(140, 144))).toBe('llo| wor');
        mem.fill(0, 100);
        expect(readv(sfs, h, mem, 0, count, 8)).toBe(3); // the file ends inside the first buffer
        expect(dec.decode(mem.subarray(100, 103))).toBe('rld');
        expect(mem[140]).toBe(0);
        expect(readv(sfs, h, mem, 0, count, 11)).toBe(0);
        expect(readv(sfs, h, mem, 0, count, 1000)).toBe(0);
      });
    });

    seeded('seeded: readdir lists each name once, with its type and the inode statAt reports', () => {
      withSeeded((sfs, sroot) => {
        const out: DirEntry[] = [];
        expectErrno(sfs.readdir(sroot, out), Errno.SUCCESS);
        expect(out.map((e) => e.name).sort()).toEqual(Object.keys(seedTree).sort());
        const st = newFileStat();
        for (const e of out) {
          expectErrno(sfs.statAt(sroot, e.name, st), Errno.SUCCESS);
          expect(e.filetype).toBe(st.filetype);
          expect(e.ino).toBe(st.ino);
        }
      });
    });

    seeded('seeded: a nested directory opens with DIRECTORY, lists and reads', () => {
      withSeeded((sfs, sroot, openIn) => {
        const d = openIn(sroot, 'dir', READ | DIRECTORY);
        const out: DirEntry[] = [];
        expectErrno(sfs.readdir(d, out), Errno.SUCCESS);
        expect(out.map((e) => e.name).sort()).toEqual(['inner.txt', 'sub']);
        const f = openIn(d, 'inner.txt', READ);
        const buf = new Uint8Array(32);
        expect(sfs.read(f, buf, 0, 32, 0)).toBe(10);
        expect(dec.decode(buf.subarray(0, 10))).toBe('inner text');
        const sub = openIn(d, 'sub', READ | DIRECTORY);
        expectErrno(sfs.readdir(sub, out), Errno.SUCCESS);
        expect(out).toEqual([]);
        const st = newFileStat();
        expectErrno(sfs.stat(d, st), Errno.SUCCESS);
        const at = newFileStat();
        expectErrno(sfs.statAt(sroot, 'dir', at), Errno.SUCCESS);
        expect(st.ino).toBe(at.ino);
        expectErrno(sfs.statAt(d, '.', at), Errno.SUCCESS);
        expect(st.ino).toBe(at.ino);
      });
    });

    seeded('seeded: ENOTDIR for DIRECTORY on a file or a name below one; EISDIR reading a directory; ENOTDIR listing a file', () => {
      withSeeded((sfs, sroot, openIn) => {
        const out: Ref<FsHandle | null> = { value: null };
        expectErrno(sfs.openAt(sroot, 'hello.txt', READ | DIRECTORY, out), Errno.NOTDIR);
        const f = openIn(sroot, 'hello.txt', READ);
        expectErrno(sfs.statAt(f, 'x', newFileStat()), Errno.NOTDIR);
        expect(sfs.read(sroot, new Uint8Array(4), 0, 4, 0)).toBe(-Errno.ISDIR);
        expectErrno(sfs.readdir(f, []), Errno.NOTDIR);
        expectErrno(sfs.openAt(sroot, 'missing', READ, out), Errno.NOENT);
      });
    });

    seeded('seeded: the stat of a handle agrees with statAt; typeOf needs no I/O', () => {
      withSeeded((sfs, sroot, openIn) => {
        const h = openIn(sroot, 'hello.txt', READ);
        const a = newFileStat();
        const b = newFileStat();
        expectErrno(sfs.stat(h, a), Errno.SUCCESS);
        expectErrno(sfs.statAt(sroot, 'hello.txt', b), Errno.SUCCESS);
        expect([a.ino, a.dev, a.size, a.filetype]).toEqual([b.ino, b.dev, b.size, b.filetype]);
        expect(sfs.typeOf(h)).toBe(Filetype.REGULAR_FILE);
        expect(sfs.typeOf(openIn(sroot, 'dir', READ | DIRECTORY))).toBe(Filetype.DIRECTORY);
      });
    });

    seeded('seeded: readlinkAt of a name that is not a symlink is EINVAL, of a missing one ENOENT', () => {
      withSeeded((sfs, sroot) => {
        const out: Ref<string> = { value: '' };
        expectErrno(sfs.readlinkAt(sroot, 'hello.txt', out), Errno.INVAL);
        expectErrno(sfs.readlinkAt(sroot, 'missing', out), Errno.NOENT);
      });
    });

    seededLinks('seeded: a symlink is read, never followed: statAt is lstat, openAt is ELOOP', () => {
      withSeeded((sfs, sroot) => {
        const out: Ref<string> = { value: '' };
        expectErrno(sfs.readlinkAt(sroot, 'link', out), Errno.SUCCESS);
        expect(out.value).toBe('hello.txt');
        const st = newFileStat();
        expectErrno(sfs.statAt(sroot, 'link', st), Errno.SUCCESS);
        expect(st.filetype).toBe(Filetype.SYMBOLIC_LINK);
        expectErrno(sfs.openAt(sroot, 'link', READ, { value: null }), Errno.LOOP);
      });
    });

    (caps.readOnly && canSeed ? test : skip)('seeded read-only: refusals in Linux order (EEXIST, EISDIR, ENOENT before EROFS)', () => {
      withSeeded((sfs, sroot, openIn) => {
        const out: Ref<FsHandle | null> = { value: null };
        expectErrno(sfs.openAt(sroot, 'hello.txt', READ | WRITE, out), Errno.ROFS);
        expectErrno(sfs.openAt(sroot, 'hello.txt', READ | TRUNC, out), Errno.ROFS);
        expectErrno(sfs.openAt(sroot, 'hello.txt', WRITE | CREATE | EXCL, out), Errno.EXIST);
        expectErrno(sfs.openAt(sroot, 'dir', READ | WRITE, out), Errno.ISDIR);
        expectErrno(sfs.openAt(sroot, 'new', WRITE | CREATE, out), Errno.ROFS);
        expectErrno(sfs.mkdirAt(sroot, 'dir'), Errno.EXIST);
        expectErrno(sfs.mkdirAt(sroot, 'new'), Errno.ROFS);
        expectErrno(sfs.unlinkAt(sroot, 'hello.txt'), Errno.ROFS);
        expectErrno(sfs.rmdirAt(sroot, 'dir'), Errno.ROFS);
        expectErrno(sfs.renameAt(sroot, 'hello.txt', sroot, 'x'), Errno.ROFS);
        expectErrno(sfs.setTimesAt(sroot, 'missing', 1n, 1n), Errno.NOENT);
        expectErrno(sfs.setTimesAt(sroot, 'hello.txt', 1n, 1n), Errno.ROFS);
        const h = openIn(sroot, 'hello.txt', READ);
        expect(sfs.write(h, enc.encode('x'), 0, 1, 0)).toBe(-Errno.ROFS);
        expectErrno(sfs.truncate(h, 0), Errno.ROFS);
        // O_CREAT of an existing file without write access just opens it.
        expectErrno(sfs.openAt(sroot, 'hello.txt', READ | CREATE, out), Errno.SUCCESS);
        sfs.close(out.value as FsHandle);
      });
    });

    (!caps.readOnly && options.capabilities?.rename === false ? test : skip)('renameAt without rename support is ENOSYS or ENOTSUP', () => {
      writeFile(root, 'a', 'A');
      expect([errnoName(Errno.NOSYS), errnoName(Errno.NOTSUP)].includes(errnoName(fs.renameAt(root, 'a', root, 'b')))).toBe(true);
    });

    // ---- files: create, read, write, append, truncate, stat ----

    mutating('create, write and read back a file', () => {
      writeFile(root, 'a.txt', 'hello world');
      expect(readFile(root, 'a.txt')).toBe('hello world');
      const st = statOf(root, 'a.txt');
      expect(st.filetype).toBe(Filetype.REGULAR_FILE);
      expect(st.size).toBe(11n);
      expect(st.nlink).toBe(1n);
    });

    mutating('CREATE|EXCL on an existing name is EEXIST; CREATE alone opens it', () => {
      writeFile(root, 'a', 'x');
      expectErrno(openErrno(root, 'a', WRITE | CREATE | EXCL), Errno.EXIST);
      expectErrno(openErrno(root, 'a', WRITE | CREATE), Errno.SUCCESS);
      expect(readFile(root, 'a')).toBe('x');
    });

    mutating('TRUNC empties a file', () => {
      writeFile(root, 'a', 'some bytes');
      open(root, 'a', WRITE | TRUNC);
      expect(statOf(root, 'a').size).toBe(0n);
    });

    mutating('read at a position, at EOF and beyond gives the right counts', () => {
      writeFile(root, 'a', '0123456789');
      const h = open(root, 'a', READ);
      const buf = new Uint8Array(8);
      expect(fs.read(h, buf, 2, 4, 3)).toBe(4);
      expect(dec.decode(buf.subarray(2, 6))).toBe('3456');
      expect(fs.read(h, buf, 0, 8, 8)).toBe(2);
      expect(fs.read(h, buf, 0, 8, 10)).toBe(0);
      expect(fs.read(h, buf, 0, 8, 100)).toBe(0);
    });

    mutating('write at a position overwrites; past the end zero-fills the gap', () => {
      writeFile(root, 'a', 'abcdef');
      const h = open(root, 'a', READ | WRITE);
      expect(fs.write(h, enc.encode('XY'), 0, 2, 2)).toBe(2);
      expect(readFile(root, 'a')).toBe('abXYef');
      expect(fs.write(h, enc.encode('Z'), 0, 1, 8)).toBe(1);
      expect(readFile(root, 'a')).toBe('abXYef\0\0Z');
    });

    mutating('write with an offset into the source buffer', () => {
      const h = open(root, 'a', WRITE | CREATE);
      expect(fs.write(h, enc.encode('--data--'), 2, 4, 0)).toBe(4);
      expect(readFile(root, 'a')).toBe('data');
    });

    mutating('position -1 appends, for an APPEND handle and a plain one', () => {
      writeFile(root, 'a', 'one');
      const h = open(root, 'a', WRITE | APPEND);
      expect(fs.write(h, enc.encode('two'), 0, 3, -1)).toBe(3);
      expect(fs.write(h, enc.encode('3'), 0, 1, -1)).toBe(1);
      expect(readFile(root, 'a')).toBe('onetwo3');
      const plain = open(root, 'a', WRITE);
      expect(fs.write(plain, enc.encode('!'), 0, 1, -1)).toBe(1);
      expect(readFile(root, 'a')).toBe('onetwo3!');
    });

    mutating(`${vectored}: gathers iovecs in order at a position (zero-length ones too), zero-filling past the end`, () => {
      const h = open(root, 'a', READ | WRITE | CREATE);
      const mem = new Uint8Array(256);
      mem.set(enc.encode('abc'), 100);
      mem.set(enc.encode('defg'), 140);
      const count = iovecs(mem, 0, [[100, 3], [120, 0], [140, 4]]);
      expect(writev(h, mem, 0, count, 0)).toBe(7);
      expect(readFile(root, 'a')).toBe('abcdefg');
      expect(writev(h, mem, 0, count, 9)).toBe(7);
      expect(readFile(root, 'a')).toBe('abcdefg\0\0abcdefg');
      const back = new Uint8Array(256);
      iovecs(back, 0, [[64, 8], [96, 0], [128, 16]]);
      expect(readv(fs, h, back, 0, 3, 1)).toBe(15);
      expect(dec.decode(back.subarray(64, 72)) + '|' + dec.decode(back.subarray(128, 135))).toBe('bcdefg\0\0|abcdefg');
    });

    mutating(`${vectored}: position -1 appends the whole array, for an APPEND handle and a plain one`, () => {
      writeFile(root, 'a', 'one');
      const mem = new Uint8Array(64);
      mem.set(enc.encode('twothree'), 32);
      const count = iovecs(mem, 0, [[32, 3], [40, 0], [35, 5]]);
      expect(writev(open(root, 'a', WRITE | APPEND), mem, 0, count, -1)).toBe(8);
      expect(readFile(root, 'a')).toBe('onetwothree');
      expect(writev(open(root, 'a', WRITE), mem, 0, count, -1)).toBe(8);
      expect(readFile(root, 'a')).toBe('onetwothreetwothree');
    });

    mutating(`${vectored}: IOV_MAX one-byte iovecs in one call, out and back`, () => {
      const h = open(root, 'a', READ | WRITE | CREATE);
      const mem = new Uint8Array(IOV_MAX * 8 + IOV_MAX * 2);
      const parts: [number, number][] = [];
      for (let i = 0; i < IOV_MAX; i++) {
        const at = IOV_MAX * 8 + i * 2; // every other byte: the buffers are not one run
        mem[at] = 97 + (i % 26);
        parts.push([at, 1]);
      }
      iovecs(mem, 0, parts);
      expect(writev(h, mem, 0, IOV_MAX, 0)).toBe(IOV_MAX);
      expect(readFile(root, 'a')).toBe(Array.from({ length: IOV_MAX }, (_, i) => String.fromCharCode(97 + (i % 26))).join(''));
      const copy = mem.slice();
      mem.fill(0, IOV_MAX * 8);
      expect(readv(fs, h, mem, 0, IOV_MAX, 0)).toBe(IOV_MAX);
      expect(Array.from(mem)).toEqual(Array.from(copy));
    });

    mutating(`${vectored}: on a directory handle is EISDIR`, () => {
      const mem = new Uint8Array(64);
      const count = iovecs(mem, 0, [[32, 4]]);
      expect(readv(fs, root, mem, 0, count, 0)).toBe(-Errno.ISDIR);
    });

    mutating('truncate shrinks and zero-fills growth', () => {
      writeFile(root, 'a', 'abcdef');
      const h = open(root, 'a', READ | WRITE);
      expectErrno(fs.truncate(h, 3), Errno.SUCCESS);
      expect(readFile(root, 'a')).toBe('abc');
      expectErrno(fs.truncate(h, 5), Errno.SUCCESS);
      expect(readFile(root, 'a')).toBe('abc\0\0');
    });

    mutating('allocate grows a file but never shrinks it', () => {
      writeFile(root, 'a', 'abcdef');
      const h = open(root, 'a', READ | WRITE);
      expectErrno(fs.allocate(h, 0, 2), Errno.SUCCESS);
      expect(statOf(root, 'a').size).toBe(6n);
      expectErrno(fs.allocate(h, 4, 6), Errno.SUCCESS);
      expect(statOf(root, 'a').size).toBe(10n);
      expect(readFile(root, 'a')).toBe('abcdef\0\0\0\0');
    });

    mutating('sync succeeds on files and directories', () => {
      writeFile(root, 'a', 'x');
      const h = open(root, 'a', WRITE);
      expectErrno(fs.sync(h, false), Errno.SUCCESS);
      expectErrno(fs.sync(h, true), Errno.SUCCESS);
      expectErrno(fs.sync(root, false), Errno.SUCCESS);
    });

    mutating('stat of a handle agrees with statAt', () => {
      writeFile(root, 'a', 'xyz');
      const h = open(root, 'a', READ);
      const st = newFileStat();
      expectErrno(fs.stat(h, st), Errno.SUCCESS);
      const at = statOf(root, 'a');
      expect(st.ino).toBe(at.ino);
      expect(st.dev).toBe(at.dev);
      expect(st.size).toBe(3n);
      expect(st.filetype).toBe(Filetype.REGULAR_FILE);
    });

    // ---- directories ----

    mutating('mkdir, then open with DIRECTORY and list', () => {
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      expect(statOf(root, 'd').filetype).toBe(Filetype.DIRECTORY);
      const d = open(root, 'd', READ | DIRECTORY);
      writeFile(d, 'inner', 'x');
      expect(names(d)).toEqual(['inner']);
      expectErrno(fs.mkdirAt(root, 'd'), Errno.EXIST);
      expectErrno(fs.mkdirAt(root, '.'), Errno.EXIST);
    });

    mutating('a directory opened without DIRECTORY still lists', () => {
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      const d = open(root, 'd', READ);
      expect(list(d)).toEqual([]);
    });

    mutating('openAt errnos: ENOTDIR, EISDIR for write or TRUNC on a directory', () => {
      writeFile(root, 'f', 'x');
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      expectErrno(openErrno(root, 'f', READ | DIRECTORY), Errno.NOTDIR);
      expectErrno(openErrno(root, 'd', WRITE), Errno.ISDIR);
      expectErrno(openErrno(root, 'd', READ | WRITE), Errno.ISDIR);
      expectErrno(openErrno(root, 'd', READ | TRUNC), Errno.ISDIR);
      expectErrno(openErrno(root, 'missing', READ | DIRECTORY), Errno.NOENT);
    });

    mutating('read on a directory handle is EISDIR; readdir on a file is ENOTDIR', () => {
      writeFile(root, 'f', 'x');
      expect(fs.read(root, new Uint8Array(4), 0, 4, 0)).toBe(-Errno.ISDIR);
      const f = open(root, 'f', READ);
      expectErrno(fs.readdir(f, []), Errno.NOTDIR);
    });

    mutating('readdir: names, filetypes and inodes, without . and .., cleared first, stable', () => {
      writeFile(root, 'file', 'x');
      expectErrno(fs.mkdirAt(root, 'dir'), Errno.SUCCESS);
      const out: DirEntry[] = [{ name: 'stale', ino: 1n, filetype: Filetype.UNKNOWN }];
      expectErrno(fs.readdir(root, out), Errno.SUCCESS);
      const byName = new Map(out.map((e) => [e.name, e]));
      expect([...byName.keys()].sort()).toEqual(['dir', 'file']);
      expect(byName.get('file')?.filetype).toBe(Filetype.REGULAR_FILE);
      expect(byName.get('dir')?.filetype).toBe(Filetype.DIRECTORY);
      expect(byName.get('file')?.ino).toBe(statOf(root, 'file').ino);
      expect(byName.get('dir')?.ino).toBe(statOf(root, 'dir').ino);
      expect(list(root).map((e) => e.name)).toEqual(list(root).map((e) => e.name));
    });

    mutating('readdir of many entries lists each once', () => {
      const want: string[] = [];
      for (let i = 0; i < 200; i++) {
        want.push(`f${i}`);
        writeFile(root, `f${i}`, '');
      }
      expect(names(root)).toEqual(want.sort());
    });

    mutating('rmdir: empty only; ENOTEMPTY, ENOTDIR, ENOENT; `.` is refused', () => {
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      const d = open(root, 'd', READ | DIRECTORY);
      writeFile(d, 'x', '');
      expectErrno(fs.rmdirAt(root, 'd'), Errno.NOTEMPTY);
      expectErrno(fs.unlinkAt(d, 'x'), Errno.SUCCESS);
      writeFile(root, 'f', '');
      expectErrno(fs.rmdirAt(root, 'f'), Errno.NOTDIR);
      expectErrno(fs.rmdirAt(root, 'missing'), Errno.NOENT);
      expectErrno(fs.rmdirAt(root, '.'), Errno.INVAL);
      expectErrno(fs.rmdirAt(root, 'd'), Errno.SUCCESS);
      expectErrno(statErrno(root, 'd'), Errno.NOENT);
    });

    mutating('unlink: files only; EISDIR for a directory, ENOENT', () => {
      writeFile(root, 'f', '');
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      expectErrno(fs.unlinkAt(root, 'd'), Errno.ISDIR);
      expectErrno(fs.unlinkAt(root, '.'), Errno.ISDIR);
      expectErrno(fs.unlinkAt(root, 'missing'), Errno.NOENT);
      expectErrno(fs.unlinkAt(root, 'f'), Errno.SUCCESS);
      expectErrno(statErrno(root, 'f'), Errno.NOENT);
    });

    mutating('an unlinked file stays readable through an open handle', () => {
      writeFile(root, 'f', 'still here');
      const h = open(root, 'f', READ);
      expectErrno(fs.unlinkAt(root, 'f'), Errno.SUCCESS);
      const buf = new Uint8Array(10);
      expect(fs.read(h, buf, 0, 10, 0)).toBe(10);
      expect(dec.decode(buf)).toBe('still here');
    });

    // ---- rename ----

    renames('rename a file, also over an existing file and into another directory', () => {
      writeFile(root, 'a', 'A');
      writeFile(root, 'b', 'B');
      expectErrno(fs.renameAt(root, 'a', root, 'b'), Errno.SUCCESS);
      expect(readFile(root, 'b')).toBe('A');
      expectErrno(statErrno(root, 'a'), Errno.NOENT);
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      const d = open(root, 'd', READ | DIRECTORY);
      expectErrno(fs.renameAt(root, 'b', d, 'c'), Errno.SUCCESS);
      expect(readFile(d, 'c')).toBe('A');
    });

    renames('rename a directory over an empty directory; ENOTEMPTY over a non-empty one', () => {
      expectErrno(fs.mkdirAt(root, 'src'), Errno.SUCCESS);
      expectErrno(fs.mkdirAt(root, 'empty'), Errno.SUCCESS);
      expectErrno(fs.mkdirAt(root, 'full'), Errno.SUCCESS);
      writeFile(open(root, 'full', READ | DIRECTORY), 'x', '');
      expectErrno(fs.renameAt(root, 'src', root, 'full'), Errno.NOTEMPTY);
      expectErrno(fs.renameAt(root, 'src', root, 'empty'), Errno.SUCCESS);
      expectErrno(statErrno(root, 'src'), Errno.NOENT);
      expect(statOf(root, 'empty').filetype).toBe(Filetype.DIRECTORY);
    });

    renames('rename errnos: EISDIR, ENOTDIR, EINVAL (own subtree, `.`), ENOENT', () => {
      writeFile(root, 'f', '');
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      const d = open(root, 'd', READ | DIRECTORY);
      expectErrno(fs.mkdirAt(d, 'sub'), Errno.SUCCESS);
      expectErrno(fs.renameAt(root, 'f', root, 'd'), Errno.ISDIR);
      expectErrno(fs.renameAt(root, 'd', root, 'f'), Errno.NOTDIR);
      expectErrno(fs.renameAt(root, 'd', d, 'inside'), Errno.INVAL);
      const sub = open(d, 'sub', READ | DIRECTORY);
      expectErrno(fs.renameAt(root, 'd', sub, 'deeper'), Errno.INVAL);
      expectErrno(fs.renameAt(root, 'missing', root, 'x'), Errno.NOENT);
      expectErrno(fs.renameAt(root, '.', root, 'x'), Errno.INVAL);
      expectErrno(fs.renameAt(root, 'f', root, '.'), Errno.INVAL);
    });

    renames('rename onto itself changes nothing', () => {
      writeFile(root, 'a', 'A');
      expectErrno(fs.renameAt(root, 'a', root, 'a'), Errno.SUCCESS);
      expect(readFile(root, 'a')).toBe('A');
    });

    // ---- timestamps ----

    times('setTimesAt / setTimes store times at the advertised resolution; null leaves a time alone', () => {
      const res = caps.timestampResolutionNs;
      const t1 = 1_700_000_000_123_456_789n;
      const t2 = 1_600_000_000_987_654_321n;
      const r1 = t1 - (t1 % res);
      const r2 = t2 - (t2 % res);
      writeFile(root, 'f', '');
      expectErrno(fs.setTimesAt(root, 'f', r1, r2), Errno.SUCCESS);
      let st = statOf(root, 'f');
      expect([st.atim, st.mtim]).toEqual([r1, r2]);
      expectErrno(fs.setTimesAt(root, 'f', null, r1), Errno.SUCCESS);
      st = statOf(root, 'f');
      expect([st.atim, st.mtim]).toEqual([r1, r1]);
      const h = open(root, 'f', READ);
      expectErrno(fs.setTimes(h, r2, null), Errno.SUCCESS);
      st = statOf(root, 'f');
      expect([st.atim, st.mtim]).toEqual([r2, r1]);
      expectErrno(fs.setTimesAt(root, '.', r1, r1), Errno.SUCCESS);
      expect(statOf(root, '.').mtim).toBe(r1);
      expectErrno(fs.setTimesAt(root, 'missing', r1, r1), Errno.NOENT);
    });

    times('setTimesAt with both times null changes nothing', () => {
      writeFile(root, 'f', '');
      const before = statOf(root, 'f');
      expectErrno(fs.setTimesAt(root, 'f', null, null), Errno.SUCCESS);
      const after = statOf(root, 'f');
      expect([after.atim, after.mtim]).toEqual([before.atim, before.mtim]);
    });

    // ---- symlinks ----

    withSymlinks('symlinkAt stores the target text; readlinkAt returns it; stat does not follow', () => {
      expectErrno(fs.symlinkAt('some/./where//x', root, 'l'), Errno.SUCCESS);
      const out: Ref<string> = { value: '' };
      expectErrno(fs.readlinkAt(root, 'l', out), Errno.SUCCESS);
      expect(out.value).toBe('some/./where//x');
      expect(statOf(root, 'l').filetype).toBe(Filetype.SYMBOLIC_LINK);
      expect(names(root)).toEqual(['l']);
      expect(list(root)[0].filetype).toBe(Filetype.SYMBOLIC_LINK);
    });

    withSymlinks('readlinkAt errnos: EINVAL for a non-link, ENOENT', () => {
      writeFile(root, 'f', '');
      const out: Ref<string> = { value: '' };
      expectErrno(fs.readlinkAt(root, 'f', out), Errno.INVAL);
      expectErrno(fs.readlinkAt(root, 'missing', out), Errno.NOENT);
    });

    withSymlinks('openAt never follows a symlink: ELOOP, and EEXIST under CREATE|EXCL', () => {
      writeFile(root, 'target', 'T');
      expectErrno(fs.mkdirAt(root, 'dir'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('target', root, 'lf'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('dir', root, 'ld'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('nowhere', root, 'dangling'), Errno.SUCCESS);
      expectErrno(openErrno(root, 'lf', READ), Errno.LOOP);
      expectErrno(openErrno(root, 'ld', READ | DIRECTORY), Errno.LOOP);
      expectErrno(openErrno(root, 'dangling', WRITE | CREATE), Errno.LOOP);
      expectErrno(openErrno(root, 'dangling', WRITE | CREATE | EXCL), Errno.EXIST);
      expectErrno(statErrno(root, 'nowhere'), Errno.NOENT);
    });

    withSymlinks('symlinkAt / mkdirAt over an existing name (even a dangling link) is EEXIST', () => {
      expectErrno(fs.symlinkAt('nowhere', root, 'l'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('x', root, 'l'), Errno.EXIST);
      expectErrno(fs.mkdirAt(root, 'l'), Errno.EXIST);
      expectErrno(fs.symlinkAt('x', root, '.'), Errno.EXIST);
    });

    withSymlinks('unlinkAt removes the link, not its target; rmdirAt on a link to a directory is ENOTDIR', () => {
      writeFile(root, 'target', 'T');
      expectErrno(fs.mkdirAt(root, 'dir'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('target', root, 'lf'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('dir', root, 'ld'), Errno.SUCCESS);
      expectErrno(fs.rmdirAt(root, 'ld'), Errno.NOTDIR);
      expectErrno(fs.unlinkAt(root, 'lf'), Errno.SUCCESS);
      expectErrno(fs.unlinkAt(root, 'ld'), Errno.SUCCESS);
      expect(readFile(root, 'target')).toBe('T');
      expect(statOf(root, 'dir').filetype).toBe(Filetype.DIRECTORY);
    });

    withSymlinks('renameAt moves the link itself', () => {
      writeFile(root, 'target', 'T');
      expectErrno(fs.symlinkAt('target', root, 'l'), Errno.SUCCESS);
      expectErrno(fs.renameAt(root, 'l', root, 'm'), Errno.SUCCESS);
      expect(statOf(root, 'm').filetype).toBe(Filetype.SYMBOLIC_LINK);
      expect(readFile(root, 'target')).toBe('T');
    });

    withSymlinks('setTimesAt on a symlink does not touch its target', () => {
      writeFile(root, 'target', 'T');
      expectErrno(fs.symlinkAt('target', root, 'l'), Errno.SUCCESS);
      const before = statOf(root, 'target');
      const t = 1_000_000_000_000_000_000n;
      expectErrno(fs.setTimesAt(root, 'l', t, t), Errno.SUCCESS);
      expect(statOf(root, 'l').mtim).toBe(t);
      expect(statOf(root, 'target').mtim).toBe(before.mtim);
    });

    (!caps.readOnly && !caps.symlinks ? test : skip)('symlinkAt without symlink support is ENOTSUP', () => {
      expectErrno(fs.symlinkAt('x', root, 'l'), Errno.NOTSUP);
    });

    // ---- hard links ----

    withHardLinks('linkAt makes a second name for the same file', () => {
      writeFile(root, 'a', 'shared');
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      const d = open(root, 'd', READ | DIRECTORY);
      expectErrno(fs.linkAt(root, 'a', d, 'b'), Errno.SUCCESS);
      expect(statOf(d, 'b').ino).toBe(statOf(root, 'a').ino);
      expect(statOf(root, 'a').nlink).toBe(2n);
      expect(readFile(d, 'b')).toBe('shared');
      expectErrno(fs.unlinkAt(root, 'a'), Errno.SUCCESS);
      expect(statOf(d, 'b').nlink).toBe(1n);
    });

    withHardLinks('linkAt errnos: EEXIST, ENOENT, EPERM for a directory and for `.`', () => {
      writeFile(root, 'a', '');
      writeFile(root, 'b', '');
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      expectErrno(fs.linkAt(root, 'a', root, 'b'), Errno.EXIST);
      expectErrno(fs.linkAt(root, 'missing', root, 'c'), Errno.NOENT);
      expectErrno(fs.linkAt(root, 'd', root, 'c'), Errno.PERM);
      expectErrno(fs.linkAt(root, '.', root, 'c'), Errno.PERM);
    });

    (withSymlinks === test && withHardLinks === test ? test : skip)(
      'linkAt does not follow a symlink source',
      () => {
        writeFile(root, 'target', 'T');
        expectErrno(fs.symlinkAt('target', root, 'l'), Errno.SUCCESS);
        expectErrno(fs.linkAt(root, 'l', root, 'l2'), Errno.SUCCESS);
        expect(statOf(root, 'l2').filetype).toBe(Filetype.SYMBOLIC_LINK);
        expect(statOf(root, 'target').nlink).toBe(1n);
      },
    );

    (!caps.readOnly && !caps.hardLinks ? test : skip)('linkAt without hard-link support is ENOTSUP', () => {
      writeFile(root, 'a', '');
      expectErrno(fs.linkAt(root, 'a', root, 'b'), Errno.NOTSUP);
    });

    // ---- the optional fast path ----

    mutating('openDirPath, when offered, lands on the right directory or declines', () => {
      if (fs.openDirPath === undefined) return;
      expectErrno(fs.mkdirAt(root, 'a'), Errno.SUCCESS);
      const a = open(root, 'a', READ | DIRECTORY);
      expectErrno(fs.mkdirAt(a, 'b'), Errno.SUCCESS);
      const b = open(a, 'b', READ | DIRECTORY);
      const out: Ref<FsHandle | null> = { value: null };
      const result = fs.openDirPath(root, ['a', 'b', 'ignored'], 2, out);
      if (result !== DECLINED) {
        expectErrno(result, Errno.SUCCESS);
        opened.push(out.value as FsHandle);
        expect(statOf(out.value as FsHandle, '.').ino).toBe(statOf(b, '.').ino);
      }
      expect(fs.openDirPath(root, ['a', 'missing'], 2, out)).toBe(DECLINED);
      writeFile(b, 'file', '');
      expect(fs.openDirPath(root, ['a', 'b', 'file'], 3, out)).toBe(DECLINED);
      if (caps.symlinks) {
        expectErrno(fs.symlinkAt('b', a, 'link'), Errno.SUCCESS);
        expect(fs.openDirPath(root, ['a', 'link'], 2, out)).toBe(DECLINED);
      }
    });
  });
}
