import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  DECLINED, Errno, ForwardingFileSystem, Lookupflags, Oflags, OpenFlags, Rights, RIGHTS_ALL, WasiCore,
  type FileSystem, type FsHandle, type Preview1Syscalls, type Ref,
} from '@vos/core';
import { NodeFileSystem } from '@vos/fs-node';
import { FaultyFileSystem, OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import { NullStream } from '@vos/stdio';
import { InstantClock } from './harness';
import { NATIVE_RUN } from '../helpers/fs-node-paths';

/**
 * `path_open` that creates or truncates, through the whole stack, on both fs-node paths (this file runs again on
 * the native one in tests/native). On the native path such an open of a plain path is one openat2 (fs-node's
 * `openPathCreating`); everywhere else, and whenever it declines, the walker resolves step by step. Either way the
 * guest must see the same thing: Linux's answers inside the sandbox, nothing outside touched, and every layer over
 * the host directory (read-only, overlay, faults, any `ForwardingFileSystem`) still seeing every create and
 * truncate in its own `openAt`.
 */
const ALL = BigInt(RIGHTS_ALL);
const FOLLOW = Lookupflags.SYMLINK_FOLLOW;
const { CREAT, EXCL, TRUNC, DIRECTORY } = Oflags;

let top: string;
let root: string;
let outside: string;
let mem: WebAssembly.Memory;

beforeEach(() => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-open-fast-'));
  root = path.join(top, 'sandbox');
  outside = path.join(top, 'outside');
  fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'secret');
  fs.writeFileSync(path.join(root, 'f.txt'), 'contents');
  fs.writeFileSync(path.join(root, 'sub', 'g.txt'), 'more contents');
  fs.symlinkSync('f.txt', path.join(root, 'inlink')); // inside, to a file
  fs.symlinkSync('sub/made.txt', path.join(root, 'indangle')); // inside, dangling
  fs.symlinkSync('sub', path.join(root, 'insub')); // inside, to a directory
  fs.symlinkSync('../outside/secret.txt', path.join(root, 'outlink'));
  fs.symlinkSync('../outside/new.txt', path.join(root, 'outdangle'));
  fs.symlinkSync('../outside', path.join(root, 'outdir'));
});
afterEach(() => {
  // Nothing outside is ever created, changed or removed.
  expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
  expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret');
  fs.rmSync(top, { recursive: true, force: true });
});

/** A core with `preopen` at fd 3; `open` runs path_open with every right and returns [errno, fd]. */
function guest(preopen: FileSystem): { open(p: string, oflags: number, dirflags?: number): [number, number]; write(fd: number, s: string): number; dispose(): void } {
  const stream = new NullStream();
  const core = new WasiCore({
    args: [], env: [], preopens: [{ guestPath: '/sandbox', fs: preopen }],
    clock: new InstantClock(), random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream },
  });
  mem = new WebAssembly.Memory({ initial: 1 });
  core.bindMemory(mem);
  const sys = core.preview1;
  return {
    open(p, oflags, dirflags = FOLLOW) {
      const b = Buffer.from(p);
      new Uint8Array(mem.buffer).set(b, 1024);
      const rights = oflags & DIRECTORY ? BigInt(RIGHTS_ALL & ~Rights.FD_WRITE) : ALL;
      const errno = sys.path_open(3, dirflags, 1024, b.length, oflags, rights, ALL, 0, 512);
      return [errno, new DataView(mem.buffer).getUint32(512, true)];
    },
    write(fd, s) {
      const b = Buffer.from(s);
      new Uint8Array(mem.buffer).set(b, 2048);
      const v = new DataView(mem.buffer);
      v.setUint32(100, 2048, true);
      v.setUint32(104, b.length, true);
      return sys.fd_write(fd, 100, 1, 108);
    },
    dispose: () => core.dispose(),
  };
}

const host = (rel: string): string => path.join(root, rel);
const exists = (rel: string): boolean => {
  try {
    fs.lstatSync(host(rel));
    return true;
  } catch {
    return false;
  }
};

describe('on a host directory', () => {
  let node: NodeFileSystem;
  let g: ReturnType<typeof guest>;
  beforeEach(() => {
    node = new NodeFileSystem(root);
    g = guest(node);
  });
  afterEach(() => g.dispose());

  test('the one-step create is offered on the native path only', () => {
    expect(node.accelerator).toBe(NATIVE_RUN ? 'native' : 'js');
    expect(typeof node.openPathCreating).toBe(NATIVE_RUN ? 'function' : 'undefined');
  });

  test('an open that creates or truncates a plain path is one step on the native path, a walk on the JS path', () => {
    const openAt = jest.spyOn(node, 'openAt');
    const [errno, fd] = g.open('sub/new.txt', CREAT | TRUNC);
    expect(errno).toBe(Errno.SUCCESS);
    expect(g.write(fd, 'hello')).toBe(Errno.SUCCESS);
    expect(fs.readFileSync(host('sub/new.txt'), 'utf8')).toBe('hello');
    expect(openAt).toHaveBeenCalledTimes(NATIVE_RUN ? 0 : 2); // the walk: `sub`, then `new.txt`
    openAt.mockClear();
    expect(g.open('sub/g.txt', TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(fs.readFileSync(host('sub/g.txt'), 'utf8')).toBe('');
    expect(openAt).toHaveBeenCalledTimes(NATIVE_RUN ? 0 : 2);
  });

  test('CREAT|EXCL: made once, EEXIST after (also on a symlink, dangling or not), nothing made through a link', () => {
    expect(g.open('sub/x.txt', CREAT | EXCL)[0]).toBe(Errno.SUCCESS);
    expect(fs.statSync(host('sub/x.txt')).isFile()).toBe(true);
    expect(g.open('sub/x.txt', CREAT | EXCL)[0]).toBe(Errno.EXIST);
    expect(g.open('f.txt', CREAT | EXCL | TRUNC)[0]).toBe(Errno.EXIST);
    expect(fs.readFileSync(host('f.txt'), 'utf8')).toBe('contents');
    for (const link of ['inlink', 'indangle', 'outlink', 'outdangle']) {
      expect([link, g.open(link, CREAT | EXCL)[0]]).toEqual([link, Errno.EXIST]);
      expect([link, g.open(link, CREAT | EXCL, 0)[0]]).toEqual([link, Errno.EXIST]);
    }
    expect(exists('sub/made.txt')).toBe(false);
  });

  test('a symlink as the last component: followed inside the sandbox when asked, ELOOP otherwise', () => {
    // Not followed: ELOOP, and nothing truncated or created.
    expect(g.open('inlink', CREAT | TRUNC, 0)[0]).toBe(Errno.LOOP);
    expect(g.open('inlink', TRUNC, 0)[0]).toBe(Errno.LOOP);
    expect(g.open('indangle', CREAT, 0)[0]).toBe(Errno.LOOP);
    expect(fs.readFileSync(host('f.txt'), 'utf8')).toBe('contents');
    expect(exists('sub/made.txt')).toBe(false);
    // Followed: the target is truncated, or created where the dangling link points.
    expect(g.open('inlink', CREAT | TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(fs.readFileSync(host('f.txt'), 'utf8')).toBe('');
    expect(fs.lstatSync(host('inlink')).isSymbolicLink()).toBe(true);
    expect(g.open('indangle', CREAT)[0]).toBe(Errno.SUCCESS);
    expect(fs.statSync(host('sub/made.txt')).isFile()).toBe(true);
    // A link on the way is crossed by the walker (inside the sandbox).
    expect(g.open('insub/via-link.txt', CREAT | TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(fs.statSync(host('sub/via-link.txt')).isFile()).toBe(true);
  });

  test('links that lead out: refused, followed or not, and nothing created or truncated outside', () => {
    for (const p of ['outlink', 'outdangle', 'outdir/secret.txt', 'outdir/new.txt']) {
      expect([p, g.open(p, CREAT | TRUNC)[0]]).toEqual([p, Errno.NOTCAPABLE]);
      expect([p, g.open(p, TRUNC)[0]]).toEqual([p, Errno.NOTCAPABLE]);
    }
    expect(g.open('outlink', CREAT | TRUNC, 0)[0]).toBe(Errno.LOOP);
    expect(g.open('outdangle', CREAT, 0)[0]).toBe(Errno.LOOP);
    // afterEach checks the outside directory.
  });

  test('the errnos of a walk: ENOENT, ENOTDIR, EISDIR, EINVAL (DIRECTORY with CREAT), ENOTCAPABLE', () => {
    expect(g.open('missing/new.txt', CREAT)[0]).toBe(Errno.NOENT);
    expect(g.open('missing.txt', TRUNC)[0]).toBe(Errno.NOENT);
    expect(g.open('f.txt/new.txt', CREAT)[0]).toBe(Errno.NOTDIR);
    expect(g.open('sub', CREAT)[0]).toBe(Errno.ISDIR);
    expect(g.open('sub', TRUNC)[0]).toBe(Errno.ISDIR);
    expect(g.open('sub/newdir', CREAT | DIRECTORY)[0]).toBe(Errno.INVAL);
    expect(g.open('sub/../../x', CREAT)[0]).toBe(Errno.NOTCAPABLE);
    expect(exists('sub/newdir')).toBe(false);
  });
});

describe('layers over a host directory see every create and truncate', () => {
  test('ForwardingFileSystem never forwards openPathCreating: a layer of its own sees them in openAt', () => {
    class Counting extends ForwardingFileSystem {
      opens = 0;
      override openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
        if (flags & (OpenFlags.CREATE | OpenFlags.TRUNC)) this.opens++;
        return this.inner.openAt(dir, name, flags, out);
      }
    }
    const layer = new Counting(new NodeFileSystem(root));
    const g = guest(layer);
    expect(g.open('sub/new.txt', CREAT | TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(g.open('f.txt', TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(layer.opens).toBe(2);
    expect(layer.openPathCreating).toBeUndefined();
    expect(layer.openPath === undefined).toBe(false); // the read-only fast path is forwarded as before
    g.dispose();
  });

  test('read-only over a host directory: EROFS, nothing created or truncated', () => {
    const ro = new ReadOnlyFileSystem(new NodeFileSystem(root));
    const g = guest(ro);
    expect(g.open('sub/new.txt', CREAT)[0]).toBe(Errno.ROFS);
    expect(g.open('f.txt', CREAT | TRUNC)[0]).toBe(Errno.ROFS);
    expect(g.open('f.txt', CREAT | EXCL)[0]).toBe(Errno.EXIST);
    expect(exists('sub/new.txt')).toBe(false);
    expect(fs.readFileSync(host('f.txt'), 'utf8')).toBe('contents');
    expect(ro.openPathCreating).toBeUndefined();
    g.dispose();
  });

  test('an overlay over host directories: creates and truncates land in the upper layer, the lower stays', () => {
    const upperDir = path.join(top, 'upper');
    fs.mkdirSync(upperDir);
    const ov = new OverlayFileSystem(new NodeFileSystem(root), new NodeFileSystem(upperDir));
    const g = guest(ov);
    expect(g.open('sub/new.txt', CREAT | TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(g.open('f.txt', TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(exists('sub/new.txt')).toBe(false);
    expect(fs.readFileSync(host('f.txt'), 'utf8')).toBe('contents');
    expect(fs.existsSync(path.join(upperDir, 'sub', 'new.txt'))).toBe(true);
    expect(fs.readFileSync(path.join(upperDir, 'f.txt'), 'utf8')).toBe('');
    expect(ov.openPathCreating).toBeUndefined();
    g.dispose();
  });

  test('a fault planned for openAt fires for a create, and nothing is created', () => {
    const faulty = new FaultyFileSystem(new NodeFileSystem(root), { rules: [{ op: 'openAt', name: 'new.txt', errno: Errno.NOSPC }] });
    const g = guest(faulty);
    expect(g.open('sub/new.txt', CREAT | TRUNC)[0]).toBe(Errno.NOSPC);
    expect(exists('sub/new.txt')).toBe(false);
    expect(faulty.injected.length).toBe(1);
    expect(faulty.openPathCreating).toBeUndefined();
    g.dispose();
  });
});

describe('the core decides when the one-step create is tried', () => {
  /** A layer that offers `openPathCreating` explicitly, records each call and declines it (the walk then opens). */
  class Recording extends ForwardingFileSystem {
    readonly calls: [string, number][] = [];
    constructor(inner: FileSystem) {
      super(inner);
      this.openPathCreating = (_dir: FsHandle, p: string, flags: number, _out: Ref<FsHandle | null>) => {
        this.calls.push([p, flags]);
        return DECLINED;
      };
    }
  }

  function core(fsys: FileSystem, mounts?: { path: string; fs: FileSystem }[]): ReturnType<typeof guest> & { sys: Preview1Syscalls } {
    const stream = new NullStream();
    const c = new WasiCore({
      args: [], env: [], preopens: mounts ? [] : [{ guestPath: '/sandbox', fs: fsys }],
      ...(mounts ? { namespace: { mounts, preopens: ['/'] } } : {}),
      clock: new InstantClock(), random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream },
    });
    mem = new WebAssembly.Memory({ initial: 1 });
    c.bindMemory(mem);
    const sys = c.preview1;
    return {
      sys,
      open(p, oflags, dirflags = FOLLOW) {
        const b = Buffer.from(p);
        new Uint8Array(mem.buffer).set(b, 1024);
        const rights = oflags & DIRECTORY ? BigInt(RIGHTS_ALL & ~Rights.FD_WRITE) : ALL;
        return [sys.path_open(3, dirflags, 1024, b.length, oflags, rights, ALL, 0, 512), new DataView(mem.buffer).getUint32(512, true)];
      },
      write: () => Errno.NOSYS,
      dispose: () => c.dispose(),
    };
  }

  test('only for a plain path that creates or truncates, never with DIRECTORY; a decline walks', () => {
    const rec = new Recording(new NodeFileSystem(root));
    const g = core(rec);
    expect(g.open('sub/new.txt', CREAT | TRUNC)[0]).toBe(Errno.SUCCESS); // declined, then walked
    expect(fs.statSync(host('sub/new.txt')).isFile()).toBe(true);
    expect(g.open('f.txt', TRUNC)[0]).toBe(Errno.SUCCESS);
    expect(g.open('f.txt', 0)[0]).toBe(Errno.SUCCESS); // a plain read: openPath's business
    for (const p of ['./x.txt', 'sub/../x.txt', 'sub//x.txt', 'sub/', '/x.txt', '..', 'sub/.']) g.open(p, CREAT);
    g.open('sub/newdir', CREAT | DIRECTORY);
    const F = OpenFlags;
    expect(rec.calls).toEqual([
      ['sub/new.txt', F.READ | F.WRITE | F.CREATE | F.TRUNC],
      ['f.txt', F.READ | F.WRITE | F.TRUNC],
    ]);
    g.dispose();
  });

  test('never where a mount lies below the directory it starts from', () => {
    const rec = new Recording(new NodeFileSystem(root));
    const upperDir = path.join(top, 'mounted');
    fs.mkdirSync(upperDir);
    const g = core(rec, [{ path: '/', fs: rec }, { path: '/m', fs: new NodeFileSystem(upperDir) }]);
    expect(g.open('sub/x.txt', CREAT)[0]).toBe(Errno.SUCCESS);
    expect(g.open('m/y.txt', CREAT)[0]).toBe(Errno.SUCCESS);
    expect(fs.existsSync(path.join(upperDir, 'y.txt'))).toBe(true);
    expect(exists('m/y.txt')).toBe(false);
    expect(rec.calls).toEqual([]);
    g.dispose();
  });
});
