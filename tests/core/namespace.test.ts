import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Errno, Oflags, Rights, RIGHTS_ALL, WasiCore, type FileSystem, type Preview1Syscalls } from '@vos/core';
import { createNodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { NullStream } from '@vos/stdio';
import { InstantClock } from './harness';

/**
 * The mount namespace, through the syscalls: backends mounted at guest paths, nested mounts, `..` across mount
 * boundaries, readdir showing mount points, rename/link across mounts (EXDEV only between different filesystems), EBUSY on mount points, and containment.
 */
const ALL = BigInt(RIGHTS_ALL);
/** What wasi-libc's opendir asks for: every right but the write ones (a directory opened for writing is EISDIR). */
const DIR_RIGHTS = BigInt(RIGHTS_ALL & ~(Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE));

interface World {
  top: string;
  dirs: Record<string, string>;
  sys: Preview1Syscalls;
  mem: WebAssembly.Memory;
  core: WasiCore;
  str(s: string, at?: number): [number, number];
  open(p: string, oflags?: number, fd?: number): { errno: number; fd: number };
  read(fd: number): string;
  list(fd: number): string[];
}

/** Mounts: a guest path to the name of a fresh host directory under `top`, or to a backend given as is. */
function world(mountSpec: Record<string, string | FileSystem>, preopens?: string[]): World {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-ns-'));
  const dirs: Record<string, string> = {};
  const mounts: { path: string; fs: FileSystem }[] = [];
  for (const [guest, name] of Object.entries(mountSpec)) {
    if (typeof name !== 'string') {
      mounts.push({ path: guest, fs: name });
      continue;
    }
    const host = path.join(top, name);
    fs.mkdirSync(host, { recursive: true });
    dirs[guest] = host;
    mounts.push({ path: guest, fs: createNodeFileSystem(host) });
  }
  fs.writeFileSync(path.join(top, 'outside.txt'), 'outside');
  const stream = new NullStream();
  const core = new WasiCore({
    args: [], env: [], preopens: [], namespace: { mounts, preopens },
    clock: new InstantClock(), random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream },
  });
  const mem = new WebAssembly.Memory({ initial: 1 });
  core.bindMemory(mem);
  const sys = core.preview1;
  const w: World = {
    top, dirs, sys, mem, core,
    str(s, at = 1024) {
      const b = Buffer.from(s);
      new Uint8Array(mem.buffer).set(b, at);
      return [at, b.length];
    },
    open(p, oflags = 0, fd = 3) {
      const [ptr, len] = w.str(p);
      const errno = sys.path_open(fd, 1, ptr, len, oflags, oflags & Oflags.DIRECTORY ? DIR_RIGHTS : ALL, ALL, 0, 512);
      return { errno, fd: new DataView(mem.buffer).getUint32(512, true) };
    },
    read(fd) {
      const v = new DataView(mem.buffer);
      v.setUint32(100, 4096, true);
      v.setUint32(104, 1000, true);
      expect(sys.fd_read(fd, 100, 1, 108)).toBe(Errno.SUCCESS);
      return Buffer.from(mem.buffer, 4096, v.getUint32(108, true)).toString();
    },
    list(fd) {
      expect(sys.fd_readdir(fd, 8192, 8192, 0n, 108)).toBe(Errno.SUCCESS);
      const v = new DataView(mem.buffer);
      const used = v.getUint32(108, true);
      const names: string[] = [];
      for (let at = 8192; at < 8192 + used; ) {
        const len = v.getUint32(at + 16, true);
        names.push(Buffer.from(mem.buffer, at + 24, len).toString());
        at += 24 + len;
      }
      return names.sort();
    },
  };
  return w;
}

let w: World;
afterEach(() => {
  if (w === undefined) return; // a test that only checks a refused construction
  w.core.dispose();
  expect(fs.readFileSync(path.join(w.top, 'outside.txt'), 'utf8')).toBe('outside');
  fs.rmSync(w.top, { recursive: true, force: true });
  w = undefined as unknown as World;
});

test('files resolve into the filesystem mounted at their path, and readdir shows mount points', () => {
  w = world({ '/': 'root', '/data': 'data', '/data/inner': 'inner' });
  fs.writeFileSync(path.join(w.dirs['/data'], 'd.txt'), 'in data');
  fs.writeFileSync(path.join(w.dirs['/data/inner'], 'i.txt'), 'in inner');
  fs.writeFileSync(path.join(w.dirs['/'], 'r.txt'), 'in root');
  expect(w.read(w.open('data/d.txt').fd)).toBe('in data');
  expect(w.read(w.open('data/inner/i.txt').fd)).toBe('in inner');
  expect(w.read(w.open('r.txt').fd)).toBe('in root');
  expect(w.list(3)).toEqual(['.', '..', 'data', 'r.txt']);
  expect(w.list(w.open('data', Oflags.DIRECTORY).fd)).toEqual(['.', '..', 'd.txt', 'inner']);
  // creating through a mount lands in its host directory, not in the parent's
  expect(w.open('data/new.txt', Oflags.CREAT).errno).toBe(Errno.SUCCESS);
  expect(fs.existsSync(path.join(w.dirs['/data'], 'new.txt'))).toBe(true);
  expect(fs.existsSync(path.join(w.dirs['/'], 'data', 'new.txt'))).toBe(false);
});

test('.. from a mounted directory leads to its parent in the namespace, never to the host', () => {
  w = world({ '/': 'root', '/data': 'data', '/data/inner': 'inner' });
  fs.writeFileSync(path.join(w.dirs['/'], 'r.txt'), 'in root');
  fs.writeFileSync(path.join(w.dirs['/data'], 'd.txt'), 'in data');
  expect(w.read(w.open('data/../r.txt').fd)).toBe('in root');
  expect(w.read(w.open('data/inner/../d.txt').fd)).toBe('in data');
  expect(w.read(w.open('data/inner/../../r.txt').fd)).toBe('in root');
  expect(w.open('data/../../outside.txt').errno).toBe(Errno.NOTCAPABLE);
  // a symlink inside a mount climbing into the parent filesystem
  fs.symlinkSync('../r.txt', path.join(w.dirs['/data'], 'up'));
  expect(w.read(w.open('data/up').fd)).toBe('in root');
  fs.symlinkSync('../../outside.txt', path.join(w.dirs['/data'], 'out'));
  expect(w.open('data/out').errno).toBe(Errno.NOTCAPABLE);
  // a symlink in the root pointing into a mount
  fs.symlinkSync('data/d.txt', path.join(w.dirs['/'], 'ln'));
  expect(w.read(w.open('ln').fd)).toBe('in data');
  // a directory fd inside a mount is its own root
  const dataFd = w.open('data', Oflags.DIRECTORY).fd;
  expect(w.open('../r.txt', 0, dataFd).errno).toBe(Errno.NOTCAPABLE);
  expect(w.read(w.open('inner/../d.txt', 0, dataFd).fd)).toBe('in data');
});

test('rename and link across mounts of one host filesystem succeed; mount points cannot be removed or renamed', () => {
  w = world({ '/': 'root', '/data': 'data' });
  fs.writeFileSync(path.join(w.dirs['/'], 'r.txt'), 'x');
  fs.writeFileSync(path.join(w.dirs['/'], 'l.txt'), 'y');
  fs.mkdirSync(path.join(w.dirs['/'], 'sub'));
  const [a, an] = w.str('r.txt', 2000);
  const [b, bn] = w.str('data/r.txt', 3000);
  expect(w.sys.path_rename(3, a, an, 3, b, bn)).toBe(Errno.SUCCESS);
  expect(fs.readFileSync(path.join(w.dirs['/data'], 'r.txt'), 'utf8')).toBe('x');
  const [l, ln] = w.str('l.txt', 2000);
  const [k, kn] = w.str('data/k.txt', 3000);
  expect(w.sys.path_link(3, 0, l, ln, 3, k, kn)).toBe(Errno.SUCCESS);
  expect(fs.readFileSync(path.join(w.dirs['/data'], 'k.txt'), 'utf8')).toBe('y');
  const [m, mn] = w.str('data', 2000);
  const [o, on] = w.str('other', 3000);
  expect(w.sys.path_remove_directory(3, m, mn)).toBe(Errno.BUSY);
  expect(w.sys.path_rename(3, m, mn, 3, o, on)).toBe(Errno.BUSY);
  expect(w.sys.path_unlink_file(3, m, mn)).toBe(Errno.ISDIR);
  expect(w.sys.path_create_directory(3, m, mn)).toBe(Errno.EXIST);
  const [s, sn] = w.str('sub', 2000);
  const [d, dn] = w.str('data', 3000);
  expect(w.sys.path_rename(3, s, sn, 3, d, dn)).toBe(Errno.BUSY);
  expect(fs.existsSync(w.dirs['/data'])).toBe(true);
});

test('rename and link between a host mount and a memory mount are EXDEV', () => {
  w = world({ '/': 'root', '/mem': new MemoryFileSystem({ clock: new InstantClock() }) });
  fs.writeFileSync(path.join(w.dirs['/'], 'r.txt'), 'x');
  const [a, an] = w.str('r.txt', 2000);
  const [b, bn] = w.str('mem/r.txt', 3000);
  expect(w.sys.path_rename(3, a, an, 3, b, bn)).toBe(Errno.XDEV);
  expect(w.sys.path_link(3, 0, a, an, 3, b, bn)).toBe(Errno.XDEV);
});

test('nested mounts whose parents are missing get their parent directories created', () => {
  w = world({ '/': 'root', '/usr/share/data': 'data' });
  fs.writeFileSync(path.join(w.dirs['/usr/share/data'], 'x'), 'deep');
  expect(fs.statSync(path.join(w.dirs['/'], 'usr', 'share')).isDirectory()).toBe(true);
  expect(w.read(w.open('usr/share/data/x').fd)).toBe('deep');
  expect(w.list(w.open('usr/share', Oflags.DIRECTORY).fd)).toEqual(['.', '..', 'data']);
});

test('several namespace directories can be preopened', () => {
  w = world({ '/': 'root', '/data': 'data', '/tmp': 'tmp' }, ['/', '/data', '/tmp']);
  fs.writeFileSync(path.join(w.dirs['/tmp'], 't'), 'tmp file');
  const v = new DataView(w.mem.buffer);
  const names: string[] = [];
  for (const fd of [3, 4, 5]) {
    expect(w.sys.fd_prestat_get(fd, 100)).toBe(Errno.SUCCESS);
    const len = v.getUint32(104, true);
    expect(w.sys.fd_prestat_dir_name(fd, 200, len)).toBe(Errno.SUCCESS);
    names.push(Buffer.from(w.mem.buffer, 200, len).toString());
  }
  expect(names).toEqual(['/', '/data', '/tmp']);
  expect(w.read(w.open('t', 0, 5).fd)).toBe('tmp file');
});

describe('the default root (namespace.root) is made only when the namespace needs it', () => {
  /** A namespace with `mounts` (memory backends) and a counted default root; returns the core and the count. */
  function lazyWorld(mountPaths: string[], preopens: string[]): { core: WasiCore; made: () => number; roots: MemoryFileSystem[] } {
    const clock = new InstantClock();
    const roots: MemoryFileSystem[] = [];
    const stream = new NullStream();
    const core = new WasiCore({
      args: [], env: [], preopens: [],
      namespace: {
        mounts: mountPaths.map((p) => ({ path: p, fs: new MemoryFileSystem({ clock }) })),
        preopens,
        root: () => {
          const fs = new MemoryFileSystem({ clock });
          roots.push(fs);
          return fs;
        },
      },
      clock, random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream },
    });
    return { core, made: () => roots.length, roots };
  }
  // The suite's afterEach disposes `w.core`; these worlds have no host directories, so give it an empty one.
  function adopt(core: WasiCore): void {
    w = { top: fs.mkdtempSync(path.join(os.tmpdir(), 'vos-ns-')), core } as World;
    fs.writeFileSync(path.join(w.top, 'outside.txt'), 'outside');
  }

  test('preopens that are all mount points: no root is made, and the guest works in them', () => {
    const { core, made } = lazyWorld(['/sandbox', '/data'], ['/sandbox', '/data']);
    adopt(core);
    expect(made()).toBe(0);
    const mem = new WebAssembly.Memory({ initial: 1 });
    core.bindMemory(mem);
    const name = Buffer.from('f.txt');
    new Uint8Array(mem.buffer).set(name, 1024);
    expect(core.preview1.path_open(3, 1, 1024, name.length, Oflags.CREAT, ALL, ALL, 0, 512)).toBe(Errno.SUCCESS);
    new Uint8Array(mem.buffer).set(Buffer.from('..'), 1024);
    expect(core.preview1.path_open(3, 1, 1024, 2, Oflags.DIRECTORY, DIR_RIGHTS, ALL, 0, 512)).toBe(Errno.NOTCAPABLE);
    expect(made()).toBe(0);
  });

  test('a preopen of / makes it, once', () => {
    const { core, made } = lazyWorld(['/sandbox'], ['/', '/sandbox']);
    adopt(core);
    expect(made()).toBe(1);
  });

  test('a preopen that is not a mount point and lies in / makes it (and its parents must exist there)', () => {
    expect(() => lazyWorld(['/sandbox'], ['/tmp'])).toThrow('vos: cannot preopen /tmp: NOENT');
    const { core, made } = lazyWorld(['/sandbox'], ['/sandbox', '/sandbox/.']);
    adopt(core);
    expect(made()).toBe(0); // /sandbox/. normalises to the mount point
  });

  test('a preopen below a mount point is walked from that mount, without the root', () => {
    expect(() => lazyWorld(['/sandbox'], ['/sandbox/sub'])).toThrow('vos: cannot preopen /sandbox/sub: NOENT');
  });

  test('a nested mount whose parent lies in / makes the root and creates the parent there', () => {
    const { core, made, roots } = lazyWorld(['/usr/share'], ['/usr/share']);
    adopt(core);
    expect(made()).toBe(1);
    const ref: { value: unknown } = { value: null };
    expect(roots[0].openRoot(ref as never)).toBe(Errno.SUCCESS);
    const st = { filetype: 0 } as never;
    expect(roots[0].statAt(ref.value as never, 'usr', st)).toBe(Errno.SUCCESS);
  });

  test('a nested mount inside another mount creates its parent in that mount, without the root', () => {
    const { core, made } = lazyWorld(['/sandbox', '/sandbox/a/b'], ['/sandbox']);
    adopt(core);
    expect(made()).toBe(0);
    const mem = new WebAssembly.Memory({ initial: 1 });
    core.bindMemory(mem);
    const name = Buffer.from('a');
    new Uint8Array(mem.buffer).set(name, 1024);
    expect(core.preview1.path_open(3, 1, 1024, name.length, Oflags.DIRECTORY, DIR_RIGHTS, ALL, 0, 512)).toBe(Errno.SUCCESS);
  });

  test('without a mount at / and without a default root, the namespace is refused', () => {
    const stream = new NullStream();
    expect(() => new WasiCore({
      args: [], env: [], preopens: [], namespace: { mounts: [{ path: '/x', fs: new MemoryFileSystem({ clock: new InstantClock() }) }] },
      clock: new InstantClock(), random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream },
    })).toThrow('vos: a mount namespace needs a filesystem mounted at /');
  });
});
