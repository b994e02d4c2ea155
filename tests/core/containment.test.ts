import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Errno, Lookupflags, Oflags, Rights, RIGHTS_ALL, WasiCore, type Preview1Syscalls } from '@vos/core';
import { createNodeFileSystem } from '@vos/fs-node';
import { NullStream } from '@vos/stdio';
import { InstantClock } from './harness';

/**
 * Containment through the whole stack (syscalls → walker → fs-node → host), every escape pattern checked from
 * the host side: after each guest action, nothing outside the preopen was read into guest memory, listed,
 * created, changed or deleted, and the preopened directory itself still exists.
 */
const ALL = BigInt(RIGHTS_ALL);
/** What wasi-libc's opendir asks for: every right but the write ones (a directory opened for writing is EISDIR). */
const DIR_RIGHTS = BigInt(RIGHTS_ALL & ~(Rights.FD_WRITE | Rights.FD_DATASYNC | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE));
const FOLLOW = Lookupflags.SYMLINK_FOLLOW;
const SECRET = 'TOP-SECRET-CONTENT';

interface World {
  top: string;
  root: string;
  outside: string;
  sys: Preview1Syscalls;
  mem: WebAssembly.Memory;
  /** Snapshot of everything outside the sandbox: paths, kinds, sizes, contents, mtimes. */
  snapshot(): string;
  /** Runs a path syscall with `p` (and `p2`) placed in guest memory; returns the errno. */
  open(p: string, oflags?: number, dirflags?: number, fd?: number): { errno: number; fd: number };
  str(p: string, at?: number): [number, number];
  guestBytes(): string;
}

function world(): World {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-contain-'));
  const root = path.join(top, 'sandbox');
  const outside = path.join(top, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), SECRET);
  fs.mkdirSync(path.join(outside, 'dir'));
  fs.writeFileSync(path.join(outside, 'dir', 'file'), SECRET);
  fs.writeFileSync(path.join(top, 'beside.txt'), SECRET);
  // host-planted links inside the sandbox
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'abs'));
  fs.symlinkSync('../outside/secret.txt', path.join(root, 'rel'));
  fs.symlinkSync('../outside', path.join(root, 'reldir'));
  fs.symlinkSync(outside, path.join(root, 'absdir'));
  fs.symlinkSync('rel', path.join(root, 'chain1'));
  fs.symlinkSync('chain1', path.join(root, 'chain2'));
  fs.symlinkSync('../outside/nothing-yet', path.join(root, 'dangling'));
  fs.mkdirSync(path.join(root, 'sub'));
  fs.symlinkSync('../../outside', path.join(root, 'sub', 'up2'));
  fs.writeFileSync(path.join(root, 'inside.txt'), 'inside');
  const stream = new NullStream();
  const core = new WasiCore({
    args: [], env: [], preopens: [{ guestPath: '/sandbox', fs: createNodeFileSystem(root) }],
    clock: new InstantClock(), random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream },
  });
  const mem = new WebAssembly.Memory({ initial: 1 });
  core.bindMemory(mem);
  const sys = core.preview1;
  const snapshot = (): string => {
    const lines: string[] = [];
    const walk = (p: string) => {
      const st = fs.lstatSync(p, { bigint: true });
      const rel = path.relative(top, p);
      if (rel.startsWith('sandbox')) return;
      let extra = '';
      if (st.isFile()) extra = fs.readFileSync(p, 'utf8');
      if (st.isSymbolicLink()) extra = fs.readlinkSync(p);
      lines.push(`${rel} ${st.mode} ${st.size} ${st.mtimeNs} ${st.nlink} ${extra}`);
      if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) walk(path.join(p, n));
    };
    walk(top);
    return lines.join('\n');
  };
  const w: World = {
    top, root, outside, sys, mem, snapshot,
    str(p, at = 1024) {
      const b = Buffer.from(p);
      new Uint8Array(mem.buffer).set(b, at);
      return [at, b.length];
    },
    open(p, oflags = 0, dirflags = FOLLOW, fd = 3) {
      const [ptr, len] = w.str(p);
      const errno = sys.path_open(fd, dirflags, ptr, len, oflags, oflags & Oflags.DIRECTORY ? DIR_RIGHTS : ALL, ALL, 0, 512);
      return { errno, fd: new DataView(mem.buffer).getUint32(512, true) };
    },
    guestBytes: () => Buffer.from(mem.buffer).toString('latin1'),
  };
  return w;
}

let w: World;
let before: string;
beforeEach(() => {
  w = world();
  before = w.snapshot();
});
afterEach(() => {
  expect(w.snapshot()).toBe(before);
  expect(w.guestBytes()).not.toContain(SECRET);
  expect(fs.statSync(w.root).isDirectory()).toBe(true);
  fs.rmSync(w.top, { recursive: true, force: true });
});

function readAll(fd: number): number {
  const v = new DataView(w.mem.buffer);
  v.setUint32(100, 4096, true);
  v.setUint32(104, 1000, true);
  return w.sys.fd_read(fd, 100, 1, 108);
}

describe('host-planted symlinks', () => {
  test.each(['abs', 'rel', 'chain2', 'reldir/secret.txt', 'absdir/secret.txt', 'sub/up2/secret.txt', 'reldir/dir/file'])(
    'open %s (following) is refused',
    (p) => {
      expect(w.open(p).errno).toBe(Errno.NOTCAPABLE);
      expect(w.open(p, Oflags.CREAT).errno).toBe(Errno.NOTCAPABLE);
    },
  );

  test('a trailing slash follows the link, and is refused the same way', () => {
    expect(w.open('absdir/').errno).toBe(Errno.NOTCAPABLE);
    expect(w.open('reldir/', Oflags.DIRECTORY).errno).toBe(Errno.NOTCAPABLE);
    expect(w.open('abs/', Oflags.CREAT).errno).toBe(Errno.ISDIR); // open("x/", O_CREAT) is EISDIR (Linux)
  });

  test('open without following a link is ELOOP, and never reads through it', () => {
    expect(w.open('abs', 0, 0).errno).toBe(Errno.LOOP);
    expect(w.open('rel', 0, 0).errno).toBe(Errno.LOOP);
  });

  test('a dangling link pointing outside is not created through by O_CREAT', () => {
    expect(w.open('dangling', Oflags.CREAT).errno).toBe(Errno.NOTCAPABLE);
    expect(w.open('dangling', Oflags.CREAT | Oflags.EXCL).errno).toBe(Errno.EXIST);
  });

  test('stat, set-times, readdir-open, mkdir, unlink, rmdir, rename and link through outside links are refused', () => {
    const [p, n] = w.str('reldir/secret.txt');
    expect(w.sys.path_filestat_get(3, FOLLOW, p, n, 2000)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_filestat_get(3, 0, p, n, 2000)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_filestat_set_times(3, FOLLOW, p, n, 1n, 1n, 5)).toBe(Errno.NOTCAPABLE);
    const [a, an] = w.str('abs');
    expect(w.sys.path_filestat_set_times(3, FOLLOW, a, an, 1n, 1n, 5)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_unlink_file(3, p, n)).toBe(Errno.NOTCAPABLE);
    const [d, dn] = w.str('reldir/dir');
    expect(w.sys.path_remove_directory(3, d, dn)).toBe(Errno.NOTCAPABLE);
    const [m, mn] = w.str('absdir/newdir');
    expect(w.sys.path_create_directory(3, m, mn)).toBe(Errno.NOTCAPABLE);
    const [t, tn] = w.str('inside.txt', 3000);
    expect(w.sys.path_rename(3, t, tn, 3, m, mn)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_rename(3, p, n, 3, t, tn)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_link(3, 0, t, tn, 3, m, mn)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_link(3, FOLLOW, a, an, 3, m, mn)).toBe(Errno.INVAL); // never follows (wasmtime)
    const [s, sn] = w.str('x', 3500);
    expect(w.sys.path_symlink(s, sn, 3, m, mn)).toBe(Errno.NOTCAPABLE);
    expect(w.open('absdir', Oflags.DIRECTORY).errno).toBe(Errno.NOTCAPABLE);
  });

  test('hard-linking a planted link links the link itself, not its target', () => {
    const [a, an] = w.str('abs');
    const [h, hn] = w.str('hard', 3000);
    expect(w.sys.path_link(3, 0, a, an, 3, h, hn)).toBe(Errno.SUCCESS);
    expect(fs.lstatSync(path.join(w.root, 'hard')).isSymbolicLink()).toBe(true);
  });

  test('readlink returns the text only', () => {
    const [a, an] = w.str('rel');
    expect(w.sys.path_readlink(3, a, an, 4096, 100, 200)).toBe(Errno.SUCCESS);
    expect(Buffer.from(w.mem.buffer, 4096, 21).toString()).toBe('../outside/secret.txt');
  });
});

describe('guest-made escapes', () => {
  test('.. above the preopen, absolute paths, and `../<preopen name>/x`', () => {
    for (const p of ['..', '../outside/secret.txt', '../sandbox/inside.txt', '/etc/passwd', 'sub/../../outside', './../beside.txt']) {
      expect(w.open(p).errno).toBe(Errno.NOTCAPABLE);
      expect(w.open(p, Oflags.CREAT).errno).toBe(Errno.NOTCAPABLE);
    }
  });

  test('symlinks the guest creates cannot lead out: on a host directory they are not even made (EPERM)', () => {
    for (const [target, name] of [['../sandbox/inside.txt', 'g1'], ['../outside/secret.txt', 'g2'], ['sub/../../outside', 'g3'], ['..', 'g4'], ['sub/..', 'g6']]) {
      const [t, tn] = w.str(target, 3000);
      const [n, nn] = w.str(name, 3500);
      expect(w.sys.path_symlink(t, tn, 3, n, nn)).toBe(Errno.PERM);
      expect(fs.existsSync(path.join(w.root, name))).toBe(false);
      expect(w.open(name).errno).toBe(Errno.NOENT);
    }
    // Inside, even climbing: made. A link moved or hard-linked to where it would point outside: EPERM.
    const [t0, tn0] = w.str('../inside.txt', 3000);
    const [n0, nn0] = w.str('sub/up', 3500);
    expect(w.sys.path_symlink(t0, tn0, 3, n0, nn0)).toBe(Errno.SUCCESS);
    const [m, mn] = w.str('up-moved', 3600);
    expect(w.sys.path_rename(3, n0, nn0, 3, m, mn)).toBe(Errno.PERM);
    expect(w.sys.path_link(3, 0, n0, nn0, 3, m, mn)).toBe(Errno.PERM);
    expect(fs.readlinkSync(path.join(w.root, 'sub', 'up'))).toBe('../inside.txt');
    const [t, tn] = w.str(path.join(w.outside, 'secret.txt'), 3000);
    const [n, nn] = w.str('g5', 3500);
    expect(w.sys.path_symlink(t, tn, 3, n, nn)).toBe(Errno.NOTCAPABLE);
  });

  test('renames into and out of symlinked directories are refused', () => {
    const [i, inn] = w.str('inside.txt', 3000);
    const [o, on] = w.str('reldir/moved.txt', 3500);
    expect(w.sys.path_rename(3, i, inn, 3, o, on)).toBe(Errno.NOTCAPABLE);
    const [o2, on2] = w.str('reldir/secret.txt', 3500);
    expect(w.sys.path_rename(3, o2, on2, 3, i, inn)).toBe(Errno.NOTCAPABLE);
  });

  test('the preopened directory itself can be neither removed nor renamed', () => {
    for (const p of ['.', './', 'sub/..']) {
      const [a, an] = w.str(p);
      expect(w.sys.path_remove_directory(3, a, an)).toBe(Errno.INVAL);
      const [b, bn] = w.str('elsewhere', 3000);
      expect(w.sys.path_rename(3, a, an, 3, b, bn)).toBe(Errno.BUSY);
      expect(w.sys.path_unlink_file(3, a, an)).toBe(Errno.ISDIR);
    }
  });
});

describe('the host changes the tree under the guest', () => {
  test('a directory fd whose directory the host moves outside fails closed', () => {
    fs.mkdirSync(path.join(w.root, 'moving'));
    const { errno, fd } = w.open('moving', Oflags.DIRECTORY);
    expect(errno).toBe(Errno.SUCCESS);
    fs.renameSync(path.join(w.root, 'moving'), path.join(w.outside, 'moved'));
    before = w.snapshot();
    expect(w.open('x', Oflags.CREAT, FOLLOW, fd).errno).toBe(Errno.NOTCAPABLE);
    const [p, n] = w.str('x');
    expect(w.sys.path_create_directory(fd, p, n)).toBe(Errno.NOTCAPABLE);
    expect(w.sys.path_filestat_get(fd, 0, p, n, 2000)).toBe(Errno.NOTCAPABLE);
  });

  test('a directory replaced by a symlink between syscalls is not followed', () => {
    fs.mkdirSync(path.join(w.root, 'a', 'b', 'c'), { recursive: true });
    fs.writeFileSync(path.join(w.root, 'a', 'b', 'c', 'f'), 'x');
    expect(w.open('a/b/c/f').errno).toBe(Errno.SUCCESS);
    fs.rmSync(path.join(w.root, 'a', 'b'), { recursive: true });
    fs.symlinkSync(w.outside, path.join(w.root, 'a', 'b'));
    expect(w.open('a/b/secret.txt').errno).toBe(Errno.NOTCAPABLE);
    expect(w.open('a/b/dir/file').errno).toBe(Errno.NOTCAPABLE);
    expect(w.open('a/b/new', Oflags.CREAT).errno).toBe(Errno.NOTCAPABLE);
  });

  test('a file replaced by a symlink after it was opened: the fd keeps the original file', () => {
    const { fd } = w.open('inside.txt');
    fs.rmSync(path.join(w.root, 'inside.txt'));
    fs.symlinkSync(path.join(w.outside, 'secret.txt'), path.join(w.root, 'inside.txt'));
    expect(readAll(fd)).toBe(Errno.SUCCESS);
    expect(Buffer.from(w.mem.buffer, 4096, 6).toString()).toBe('inside');
    expect(w.open('inside.txt').errno).toBe(Errno.NOTCAPABLE);
  });

  test('a host hard link to an outside file is the host granting it (documented), guest links stay inside', () => {
    // The guest can only link names it can resolve, so its links never reach outside files.
    const [a, an] = w.str('rel');
    const [b, bn] = w.str('ln', 3000);
    expect(w.sys.path_link(3, 0, a, an, 3, b, bn)).toBe(Errno.SUCCESS);
    expect(fs.lstatSync(path.join(w.root, 'ln')).isSymbolicLink()).toBe(true);
  });
});
