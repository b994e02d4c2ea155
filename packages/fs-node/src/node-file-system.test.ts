import * as hostFs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { Errno, errnoName } from '../../core/src/abi/errno';
import { Filetype } from '../../core/src/abi/constants';
import { DECLINED, newFileStat, OpenFlags, type DirEntry, type FsHandle, type Ref } from '../../core/src/providers/fs';
import { createNodeFileSystem, NodeFileSystem } from './index';
import { nodeFsPaths } from '../../../tests/helpers/fs-node-paths';
import { NodeHandle } from './handles';
import { filetypeFromMode, nsToSeconds } from './host-stat';
import { realpathCalls } from '../../../tests/helpers/realpath-calls';

// Not in the ES2022 lib nor in @types/node; enough of it to make a guest memory.
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } };

const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;
const enc = new TextEncoder();

function expectErrno(actual: number, expected: number): void {
  expect(errnoName(actual)).toBe(errnoName(expected));
}


/** The host fd behind a handle (test-only peek). */
function fdOf(h: FsHandle): number {
  return (h as NodeHandle).fd;
}

describe('filetypeFromMode', () => {
  const c = hostFs.constants;
  test.each([
    [c.S_IFREG | 0o644, Filetype.REGULAR_FILE],
    [c.S_IFDIR | 0o755, Filetype.DIRECTORY],
    [c.S_IFLNK | 0o777, Filetype.SYMBOLIC_LINK],
    [c.S_IFCHR, Filetype.CHARACTER_DEVICE],
    [c.S_IFBLK, Filetype.BLOCK_DEVICE],
    [c.S_IFSOCK, Filetype.SOCKET_STREAM],
    [c.S_IFIFO, Filetype.UNKNOWN],
  ])('mode %o is filetype %d', (mode, filetype) => {
    expect(filetypeFromMode(mode)).toBe(filetype);
  });
});

describe('nsToSeconds', () => {
  test('keeps whole seconds and µs exactly', () => {
    expect(nsToSeconds(0n)).toBeCloseTo(0.0000005, 9);
    expect(Math.floor(nsToSeconds(1_700_000_000_999_999_999n))).toBe(1_700_000_000);
    expect(nsToSeconds(-1_000_000_000n)).toBe(-1);
  });
});

describe.each(nodeFsPaths())('NodeFileSystem (%s)', (mode, options) => {
  let tmp: string;
  let hostRoot: string;
  let fs: NodeFileSystem;
  let root: FsHandle;
  const handles: FsHandle[] = [];

  beforeEach(() => {
    tmp = hostFs.mkdtempSync(join(tmpdir(), 'vos-fs-node-'));
    hostRoot = join(tmp, 'root');
    hostFs.mkdirSync(hostRoot);
    fs = new NodeFileSystem(hostRoot, options);
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openRoot(out), Errno.SUCCESS);
    root = out.value as FsHandle;
  });
  afterEach(() => {
    for (const h of handles.splice(0)) fs.close(h);
    fs.close(root);
    hostFs.rmSync(tmp, { recursive: true, force: true });
  });

  function open(dir: FsHandle, name: string, flags: number): FsHandle {
    const out: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openAt(dir, name, flags, out), Errno.SUCCESS);
    handles.push(out.value as FsHandle);
    return out.value as FsHandle;
  }
  function openErrno(dir: FsHandle, name: string, flags: number): number {
    const out: Ref<FsHandle | null> = { value: null };
    const errno = fs.openAt(dir, name, flags, out);
    if (errno === Errno.SUCCESS) handles.push(out.value as FsHandle);
    return errno;
  }
  const host = (...parts: string[]) => join(hostRoot, ...parts);

  describe('construction and openRoot', () => {
    test('uses /proc/self/fd on Linux unless told not to', () => {
      expect(fs.usesProcFd).toBe(mode !== 'fallback' && process.platform === 'linux');
    });

    test('says which path it takes', () => {
      expect(fs.accelerator).toBe(mode === 'native' ? 'native' : 'js');
    });

    test('the root is the canonical path, even when given through a symlink', () => {
      hostFs.symlinkSync(hostRoot, join(tmp, 'alias'));
      const viaAlias = new NodeFileSystem(join(tmp, 'alias'), options);
      expect(viaAlias.rootPath).toBe(hostFs.realpathSync(hostRoot));
      expect(viaAlias.usesProcFd).toBe(fs.usesProcFd);
    });

    test('a root given canonical is not resolved again: the /proc/self/fd read-back proves it canonical', () => {
      const real = hostFs.realpathSync(hostRoot);
      const calls = realpathCalls(() => expect(new NodeFileSystem(real, options).rootPath).toBe(real));
      // Without the read-back (no /proc, or the fallback mode) nothing proves it: resolved, as before.
      expect(calls).toBe(fs.usesProcFd ? 0 : 1);
    });

    test.each([
      ['relative', () => relative(process.cwd(), hostRoot)],
      ['through a symlinked parent', () => { hostFs.symlinkSync(tmp, join(tmp, 'up')); return join(tmp, 'up', 'root'); }],
      ['with a trailing slash', () => `${hostRoot}/`],
      ['with a doubled slash', () => hostRoot.replace(/\/root$/, '//root')],
      ['with a "." component', () => `${hostRoot}/.`],
      ['with a ".." component', () => `${hostRoot}/../root`],
    ])('a root given %s is resolved by the filesystem itself, as before', (_label, given) => {
      const real = hostFs.realpathSync(hostRoot);
      const path = given();
      let made: NodeFileSystem | undefined;
      expect(realpathCalls(() => { made = new NodeFileSystem(path, options); })).toBe(1);
      expect(made?.rootPath).toBe(real);
      expect(made?.usesProcFd).toBe(fs.usesProcFd);
    });

    test('a missing root is ENOENT, a file root ENOTDIR, from openRoot (the constructor never throws)', () => {
      const out: Ref<FsHandle | null> = { value: null };
      expectErrno(new NodeFileSystem(join(tmp, 'missing'), options).openRoot(out), Errno.NOENT);
      hostFs.writeFileSync(join(tmp, 'file'), '');
      expectErrno(new NodeFileSystem(join(tmp, 'file'), options).openRoot(out), Errno.NOTDIR);
    });

    test('a root removed after construction is ENOENT', () => {
      const other = new NodeFileSystem(join(tmp, 'root'), options);
      hostFs.rmSync(hostRoot, { recursive: true });
      expectErrno(other.openRoot({ value: null }), Errno.NOENT);
    });

    test('createNodeFileSystem builds one; capabilities are as documented', () => {
      const made = createNodeFileSystem(hostRoot);
      expect(made).toBeInstanceOf(NodeFileSystem);
      expect(made.capabilities).toEqual({
        readOnly: false,
        symlinks: true,
        hardLinks: true,
        timestampResolutionNs: 1n,
      });
    });
  });

  describe('handles', () => {
    test('close closes the host fd exactly once and never a reused fd number', () => {
      hostFs.writeFileSync(host('f'), 'x');
      const out: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openAt(root, 'f', READ, out), Errno.SUCCESS);
      const h = out.value as FsHandle;
      const fd = fdOf(h);
      fs.close(h);
      expect(() => hostFs.fstatSync(fd)).toThrow(expect.objectContaining({ code: 'EBADF' }));
      const reused = hostFs.openSync(host('f'), 'r');
      try {
        fs.close(h);
        expect(() => hostFs.fstatSync(reused)).not.toThrow();
      } finally {
        hostFs.closeSync(reused);
      }
    });

    test('a closed handle is EBADF everywhere', () => {
      hostFs.writeFileSync(host('f'), 'x');
      const f = open(root, 'f', READ | WRITE);
      const d = open(root, '.', READ);
      fs.close(f);
      fs.close(d);
      expectErrno(fs.stat(f, newFileStat()), Errno.BADF);
      expect(fs.read(f, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
      expect(fs.write(f, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
      expectErrno(fs.truncate(f, 0), Errno.BADF);
      expectErrno(fs.allocate(f, 0, 1), Errno.BADF);
      expectErrno(fs.sync(f, false), Errno.BADF);
      expectErrno(fs.setTimes(f, 0n, 0n), Errno.BADF);
      expectErrno(fs.statAt(d, 'f', newFileStat()), Errno.BADF);
      expectErrno(fs.readdir(d, []), Errno.BADF);
      expectErrno(fs.openAt(d, 'f', READ, { value: null }), Errno.BADF);
    });

    test('a foreign handle (plain object or another NodeFileSystem) is EBADF and is never closed', () => {
      const other = new NodeFileSystem(hostRoot, options);
      const out: Ref<FsHandle | null> = { value: null };
      expectErrno(other.openRoot(out), Errno.SUCCESS);
      const theirs = out.value as FsHandle;
      try {
        for (const h of [{}, theirs]) {
          expectErrno(fs.statAt(h, '.', newFileStat()), Errno.BADF);
          expectErrno(fs.stat(h, newFileStat()), Errno.BADF);
          expectErrno(fs.readdir(h, []), Errno.BADF);
          expectErrno(fs.mkdirAt(h, 'x'), Errno.BADF);
          expect(fs.read(h, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
          fs.close(h);
        }
        expectErrno(other.statAt(theirs, '.', newFileStat()), Errno.SUCCESS);
      } finally {
        other.close(theirs);
      }
    });

    test('a file handle where a directory is expected is ENOTDIR', () => {
      hostFs.writeFileSync(host('f'), 'x');
      const f = open(root, 'f', READ);
      expectErrno(fs.statAt(f, 'x', newFileStat()), Errno.NOTDIR);
      expectErrno(fs.openAt(f, 'x', READ, { value: null }), Errno.NOTDIR);
      expectErrno(fs.readdir(f, []), Errno.NOTDIR);
      expectErrno(fs.renameAt(root, 'f', f, 'y'), Errno.NOTDIR);
    });

    test('names that could leave the directory are refused before the host sees them', () => {
      hostFs.writeFileSync(join(tmp, 'outside-file'), 'x');
      const st = newFileStat();
      for (const name of ['..', '../outside-file', 'a/b', '/etc']) {
        expectErrno(fs.statAt(root, name, st), Errno.NOTCAPABLE);
        expectErrno(fs.openAt(root, name, READ, { value: null }), Errno.NOTCAPABLE);
        expectErrno(fs.unlinkAt(root, name), Errno.NOTCAPABLE);
        expectErrno(fs.mkdirAt(root, name), Errno.NOTCAPABLE);
        expectErrno(fs.renameAt(root, name, root, 'x'), Errno.NOTCAPABLE);
        expectErrno(fs.linkAt(root, name, root, 'x'), Errno.NOTCAPABLE);
        expectErrno(fs.readlinkAt(root, name, { value: '' }), Errno.NOTCAPABLE);
        expectErrno(fs.setTimesAt(root, name, 0n, 0n), Errno.NOTCAPABLE);
      }
      expectErrno(fs.statAt(root, '', st), Errno.NOENT);
      expectErrno(fs.statAt(root, 'a\0b', st), Errno.INVAL);
      expect(hostFs.readFileSync(join(tmp, 'outside-file'), 'utf8')).toBe('x');
    });
  });

  describe('statAt / stat', () => {
    test('fills every field from the host, without following a symlink', () => {
      hostFs.writeFileSync(host('f'), 'hello');
      hostFs.symlinkSync('f', host('l'));
      const st = newFileStat();
      expectErrno(fs.statAt(root, 'f', st), Errno.SUCCESS);
      const h = hostFs.lstatSync(host('f'), { bigint: true });
      expect(st).toEqual({
        dev: h.dev,
        ino: h.ino,
        filetype: Filetype.REGULAR_FILE,
        nlink: 1n,
        size: 5n,
        atim: h.atimeNs,
        mtim: h.mtimeNs,
        ctim: h.ctimeNs,
      });
      expectErrno(fs.statAt(root, 'l', st), Errno.SUCCESS);
      expect(st.filetype).toBe(Filetype.SYMBOLIC_LINK);
      expect(st.ino).toBe(hostFs.lstatSync(host('l'), { bigint: true }).ino);
    });

    test('a fifo is UNKNOWN; `.` is the directory itself; a missing name is ENOENT', () => {
      execFileSync('mkfifo', [host('fifo')]);
      const st = newFileStat();
      expectErrno(fs.statAt(root, 'fifo', st), Errno.SUCCESS);
      expect(st.filetype).toBe(Filetype.UNKNOWN);
      expectErrno(fs.statAt(root, '.', st), Errno.SUCCESS);
      expect(st.ino).toBe(hostFs.statSync(hostRoot, { bigint: true }).ino);
      expectErrno(fs.statAt(root, 'missing', st), Errno.NOENT);
    });

    test('stat of a file handle follows writes', () => {
      const h = open(root, 'f', WRITE | CREATE);
      expect(fs.write(h, enc.encode('abc'), 0, 3, 0)).toBe(3);
      const st = newFileStat();
      expectErrno(fs.stat(h, st), Errno.SUCCESS);
      expect(st.size).toBe(3n);
      expect(st.filetype).toBe(Filetype.REGULAR_FILE);
    });
  });

  describe('openAt', () => {
    test('creates a host file with mode 0666 & ~umask', () => {
      open(root, 'new', WRITE | CREATE | EXCL);
      const mode = hostFs.statSync(host('new')).mode & 0o777;
      expect(mode).toBe(0o666 & ~process.umask());
    });

    test('ELOOP for a symlink at the name, whatever the flags; EEXIST with CREATE|EXCL', () => {
      hostFs.mkdirSync(host('d'));
      hostFs.writeFileSync(host('f'), 'x');
      hostFs.symlinkSync('d', host('ld'));
      hostFs.symlinkSync('f', host('lf'));
      for (const flags of [READ, READ | DIRECTORY, WRITE, WRITE | TRUNC, WRITE | CREATE, READ | APPEND]) {
        expectErrno(openErrno(root, 'ld', flags), Errno.LOOP);
        expectErrno(openErrno(root, 'lf', flags), Errno.LOOP);
      }
      expectErrno(openErrno(root, 'ld', WRITE | CREATE | EXCL), Errno.EXIST);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('x');
    });

    test('ENOTDIR with DIRECTORY on a file or a fifo; EINVAL for DIRECTORY|CREATE', () => {
      hostFs.writeFileSync(host('f'), 'x');
      execFileSync('mkfifo', [host('fifo')]);
      expectErrno(openErrno(root, 'f', READ | DIRECTORY), Errno.NOTDIR);
      expectErrno(openErrno(root, 'fifo', READ | DIRECTORY), Errno.NOTDIR);
      expectErrno(openErrno(root, 'new', READ | DIRECTORY | CREATE), Errno.INVAL);
      expect(hostFs.existsSync(host('new'))).toBe(false);
    });

    test('EISDIR for writing, TRUNC or CREATE on a directory, including `.`', () => {
      hostFs.mkdirSync(host('d'));
      expectErrno(openErrno(root, 'd', WRITE), Errno.ISDIR);
      expectErrno(openErrno(root, 'd', READ | TRUNC), Errno.ISDIR);
      expectErrno(openErrno(root, 'd', READ | CREATE), Errno.ISDIR);
      expectErrno(openErrno(root, '.', WRITE), Errno.ISDIR);
      expectErrno(openErrno(root, '.', READ | TRUNC), Errno.ISDIR);
      expectErrno(openErrno(root, '.', READ | CREATE), Errno.ISDIR);
      expectErrno(openErrno(root, '.', READ | CREATE | EXCL), Errno.EXIST);
    });

    test('a directory opened without DIRECTORY is a directory handle', () => {
      hostFs.mkdirSync(host('d'));
      hostFs.writeFileSync(host('d', 'inner'), '');
      const d = open(root, 'd', READ);
      const out: DirEntry[] = [];
      expectErrno(fs.readdir(d, out), Errno.SUCCESS);
      expect(out.map((e) => e.name)).toEqual(['inner']);
      expect(fs.read(d, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.ISDIR);
    });

    test('TRUNC truncates the host file; APPEND appends through O_APPEND', () => {
      hostFs.writeFileSync(host('f'), 'abcdef');
      open(root, 'f', WRITE | TRUNC);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('');
      hostFs.writeFileSync(host('f'), 'abc');
      const h = open(root, 'f', WRITE | APPEND);
      expect(fs.write(h, enc.encode('de'), 0, 2, -1)).toBe(2);
      hostFs.appendFileSync(host('f'), '!'); // another host writer: O_APPEND still lands at the real end
      expect(fs.write(h, enc.encode('f'), 0, 1, -1)).toBe(1);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('abcde!f');
    });

    test('write access is enforced by the host fd', () => {
      hostFs.writeFileSync(host('f'), 'abc');
      const ro = open(root, 'f', READ);
      expect(fs.write(ro, enc.encode('x'), 0, 1, 0)).toBe(-Errno.BADF);
      expectErrno(fs.truncate(ro, 0), Errno.INVAL);
      const wo = open(root, 'f', WRITE);
      expect(fs.read(wo, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.BADF);
    });
  });

  describe('read / write', () => {
    test('read lands straight in a view of wasm memory at the offset asked', () => {
      hostFs.writeFileSync(host('f'), '0123456789');
      const h = open(root, 'f', READ);
      const memory = new WebAssembly.Memory({ initial: 1 });
      const view = new Uint8Array(memory.buffer);
      expect(fs.read(h, view, 1000, 4, 6)).toBe(4);
      expect(Buffer.from(view.subarray(1000, 1004)).toString()).toBe('6789');
      expect(view[999]).toBe(0);
      expect(view[1004]).toBe(0);
    });

    test('write of a slice of wasm memory; -1 on a plain handle appends at the current size', () => {
      const memory = new WebAssembly.Memory({ initial: 1 });
      const view = new Uint8Array(memory.buffer);
      view.set(enc.encode('xxHELLOxx'), 500);
      const h = open(root, 'f', WRITE | CREATE);
      expect(fs.write(h, view, 502, 5, 0)).toBe(5);
      hostFs.appendFileSync(host('f'), '+');
      expect(fs.write(h, view, 502, 1, -1)).toBe(1);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('HELLO+H');
    });

    test('zero-length read and write', () => {
      const h = open(root, 'f', READ | WRITE | CREATE);
      expect(fs.write(h, new Uint8Array(0), 0, 0, 0)).toBe(0);
      expect(fs.read(h, new Uint8Array(0), 0, 0, 0)).toBe(0);
    });

    test('write on a directory handle is EISDIR', () => {
      expect(fs.write(root, new Uint8Array(1), 0, 1, 0)).toBe(-Errno.ISDIR);
    });
  });

  describe('readv / writev (wasm32 iovecs in guest memory)', () => {
    /** Wasm memory with `parts` (offset, length) as an iovec array at 0. */
    function guest(parts: [number, number][]): Uint8Array {
      const mem = new Uint8Array(new WebAssembly.Memory({ initial: 1 }).buffer);
      const view = new DataView(mem.buffer);
      parts.forEach(([buf, len], i) => {
        view.setUint32(i * 8, buf, true);
        view.setUint32(i * 8 + 4, len, true);
      });
      return mem;
    }

    test('one iovec and several, straight between the file and guest memory', () => {
      const h = open(root, 'f', READ | WRITE | CREATE);
      const one = guest([[1000, 5]]);
      one.set(enc.encode('hello'), 1000);
      expect(fs.writev(h, one, 0, 1, 0)).toBe(5);
      const many = guest([[2000, 1], [2100, 0], [2200, 3], [2300, 2]]);
      many.set(enc.encode('!'), 2000);
      many.set(enc.encode('abc'), 2200);
      many.set(enc.encode('de'), 2300);
      expect(fs.writev(h, many, 0, 4, 5)).toBe(6);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('hello!abcde');
      const back = guest([[3000, 2], [3100, 0], [3200, 16]]);
      expect(fs.readv(h, back, 0, 3, 1)).toBe(10);
      expect(Buffer.from(back.subarray(3000, 3002)).toString() + '|' + Buffer.from(back.subarray(3200, 3208)).toString()).toBe('el|lo!abcde');
      expect(back[3208]).toBe(0);
    });

    test('position -1: appends on an APPEND handle, at the current size on a plain one', () => {
      hostFs.writeFileSync(host('f'), 'one');
      const mem = guest([[100, 3], [200, 2]]);
      mem.set(enc.encode('two'), 100);
      mem.set(enc.encode('34'), 200);
      expect(fs.writev(open(root, 'f', WRITE | APPEND), mem, 0, 2, -1)).toBe(5);
      hostFs.appendFileSync(host('f'), '+');
      expect(fs.writev(open(root, 'f', WRITE), mem, 0, 1, -1)).toBe(3);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('onetwo34+two');
    });

    test('an iovec outside the memory it is given is EFAULT and nothing is transferred', () => {
      hostFs.writeFileSync(host('f'), 'keep');
      const h = open(root, 'f', READ | WRITE);
      for (const count of [1, 2]) {
        const mem = guest([[100, 2], [65536 - 2, 4]].slice(2 - count) as [number, number][]);
        expect(fs.writev(h, mem, 0, count, 0)).toBe(-Errno.FAULT);
        expect(fs.readv(h, mem, 0, count, 0)).toBe(-Errno.FAULT);
        expect(mem[100]).toBe(0);
      }
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('keep');
    });

    test('a directory handle is EISDIR, a closed one EBADF', () => {
      const mem = guest([[100, 4]]);
      expect(fs.readv(root, mem, 0, 1, 0)).toBe(-Errno.ISDIR);
      expect(fs.writev(root, mem, 0, 1, 0)).toBe(-Errno.ISDIR);
      const out: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openAt(root, 'f', READ | WRITE | CREATE, out), Errno.SUCCESS);
      fs.close(out.value as FsHandle);
      expect(fs.readv(out.value as FsHandle, mem, 0, 1, 0)).toBe(-Errno.BADF);
      expect(fs.writev(out.value as FsHandle, mem, 0, 1, 0)).toBe(-Errno.BADF);
    });
  });

  describe('truncate / allocate / sync', () => {
    test('truncate: host size changes; negative is EINVAL; a directory is EISDIR', () => {
      hostFs.writeFileSync(host('f'), 'abcdef');
      const h = open(root, 'f', WRITE);
      expectErrno(fs.truncate(h, 2), Errno.SUCCESS);
      expect(hostFs.readFileSync(host('f'), 'utf8')).toBe('ab');
      expectErrno(fs.truncate(h, 4), Errno.SUCCESS);
      expect(hostFs.readFileSync(host('f'))).toEqual(Buffer.from('ab\0\0'));
      expectErrno(fs.truncate(h, -1), Errno.INVAL);
      expectErrno(fs.truncate(root, 0), Errno.ISDIR);
    });

    test('allocate: grows only; negative is EINVAL; a directory is EISDIR', () => {
      hostFs.writeFileSync(host('f'), 'abc');
      const h = open(root, 'f', WRITE);
      expectErrno(fs.allocate(h, 1, 1), Errno.SUCCESS);
      expect(hostFs.statSync(host('f')).size).toBe(3);
      expectErrno(fs.allocate(h, 10, 10), Errno.SUCCESS);
      expect(hostFs.statSync(host('f')).size).toBe(20);
      expectErrno(fs.allocate(h, -1, 1), Errno.INVAL);
      expectErrno(fs.allocate(root, 0, 1), Errno.ISDIR);
    });

    test('sync and datasync on files and directories', () => {
      const h = open(root, 'f', WRITE | CREATE);
      expectErrno(fs.sync(h, false), Errno.SUCCESS);
      expectErrno(fs.sync(h, true), Errno.SUCCESS);
      expectErrno(fs.sync(root, true), Errno.SUCCESS);
    });
  });

  describe('times', () => {
    // The host stores ns on the native path (utimensat); on the JavaScript path it stores µs (Node's utimes) and
    // the filesystem reports the exact value while the host still holds the stored one (ExactTimes).
    test('setTimesAt and setTimes read back exactly, for many values; the host holds ns (native) or µs (js)', () => {
      hostFs.writeFileSync(host('f'), '');
      const h = open(root, 'f', READ);
      const onHost = (ns: bigint) => (mode === 'native' ? ns : ns - (ns % 1000n));
      const st = newFileStat();
      for (let i = 0; i < 200; i++) {
        const us = BigInt(Math.floor(Math.random() * 4e15));
        const ns = us * 1000n + BigInt(i % 1000);
        expectErrno(fs.setTimesAt(root, 'f', ns, ns + 1_000_000n), Errno.SUCCESS);
        let hst = hostFs.statSync(host('f'), { bigint: true });
        expect([hst.atimeNs, hst.mtimeNs]).toEqual([onHost(ns), onHost(ns + 1_000_000n)]);
        expectErrno(fs.statAt(root, 'f', st), Errno.SUCCESS);
        expect([st.atim, st.mtim]).toEqual([ns, ns + 1_000_000n]);
        expectErrno(fs.setTimes(h, null, ns + 7n), Errno.SUCCESS);
        hst = hostFs.statSync(host('f'), { bigint: true });
        expect([hst.atimeNs, hst.mtimeNs]).toEqual([onHost(ns), onHost(ns + 7n)]);
        expectErrno(fs.stat(h, st), Errno.SUCCESS);
        expect([st.atim, st.mtim]).toEqual([ns, ns + 7n]);
      }
    });

    test('setting one time leaves the other bit for bit, even a ns time the host set itself', () => {
      hostFs.writeFileSync(host('f'), '');
      // coreutils touch sets ns times (utimensat); Node cannot.
      execFileSync('touch', ['-a', '-d', '@5.123456789', host('f')]);
      execFileSync('touch', ['-m', '-d', '@6.987654321', host('f')]);
      const st = newFileStat();
      expectErrno(fs.setTimesAt(root, 'f', null, 7_000_000_001n), Errno.SUCCESS);
      expectErrno(fs.statAt(root, 'f', st), Errno.SUCCESS);
      expect([st.atim, st.mtim]).toEqual([5_123_456_789n, 7_000_000_001n]);
      const h = open(root, 'f', READ);
      expectErrno(fs.setTimes(h, 8_000_000_002n, null), Errno.SUCCESS);
      expectErrno(fs.stat(h, st), Errno.SUCCESS);
      expect([st.atim, st.mtim]).toEqual([8_000_000_002n, 7_000_000_001n]);
    });

    test('a time the host changes afterwards is reported as the host has it', () => {
      hostFs.writeFileSync(host('f'), '');
      const st = newFileStat();
      expectErrno(fs.setTimesAt(root, 'f', 1_000_000_123n, 2_000_000_456n), Errno.SUCCESS);
      hostFs.utimesSync(host('f'), 3, 4);
      expectErrno(fs.statAt(root, 'f', st), Errno.SUCCESS);
      expect([st.atim, st.mtim]).toEqual([3_000_000_000n, 4_000_000_000n]);
      expectErrno(fs.setTimesAt(root, 'f', null, 5_000_000_789n), Errno.SUCCESS);
      hostFs.appendFileSync(host('f'), 'x'); // a write moves mtime on the host
      expectErrno(fs.statAt(root, 'f', st), Errno.SUCCESS);
      expect(st.atim).toBe(3_000_000_000n);
      expect(st.mtim).toBe(hostFs.statSync(host('f'), { bigint: true }).mtimeNs);
    });

    test('setTimesAt on a symlink sets the link, not the target; `.` sets the directory', () => {
      hostFs.writeFileSync(host('f'), '');
      hostFs.symlinkSync('f', host('l'));
      const before = hostFs.statSync(host('f'), { bigint: true }).mtimeNs;
      expectErrno(fs.setTimesAt(root, 'l', 5_000_000_000n, 6_000_000_000n), Errno.SUCCESS);
      expect(hostFs.lstatSync(host('l'), { bigint: true }).mtimeNs).toBe(6_000_000_000n);
      expect(hostFs.statSync(host('f'), { bigint: true }).mtimeNs).toBe(before);
      expectErrno(fs.setTimesAt(root, '.', null, 7_000_000_000n), Errno.SUCCESS);
      expect(hostFs.statSync(hostRoot, { bigint: true }).mtimeNs).toBe(7_000_000_000n);
    });

    test('setTimesAt of a missing name is ENOENT, even with both times null', () => {
      expectErrno(fs.setTimesAt(root, 'missing', 0n, 0n), Errno.NOENT);
      expectErrno(fs.setTimesAt(root, 'missing', null, null), Errno.NOENT);
    });
  });

  describe('readdir', () => {
    test('kinds, inodes and exact names from the host', () => {
      hostFs.writeFileSync(host('file'), '');
      hostFs.mkdirSync(host('dir'));
      hostFs.symlinkSync('nowhere', host('link'));
      execFileSync('mkfifo', [host('fifo')]);
      hostFs.writeFileSync(host('ünïcödé ✓'), '');
      const out: DirEntry[] = [];
      expectErrno(fs.readdir(root, out), Errno.SUCCESS);
      const got = Object.fromEntries(out.map((e) => [e.name, e]));
      expect(Object.keys(got).sort()).toEqual(['dir', 'fifo', 'file', 'link', 'ünïcödé ✓']);
      expect(got.file.filetype).toBe(Filetype.REGULAR_FILE);
      expect(got.dir.filetype).toBe(Filetype.DIRECTORY);
      expect(got.link.filetype).toBe(Filetype.SYMBOLIC_LINK);
      expect(got.fifo.filetype).toBe(Filetype.UNKNOWN);
      for (const e of out) expect(e.ino).toBe(hostFs.lstatSync(host(e.name), { bigint: true }).ino);
    });

    test('a name that is not UTF-8 is EILSEQ and leaves the list empty', () => {
      hostFs.writeFileSync(Buffer.concat([Buffer.from(hostRoot + '/bad-'), Buffer.from([0xff, 0xfe])]), '');
      const out: DirEntry[] = [{ name: 'stale', ino: 0n, filetype: 0 }];
      expectErrno(fs.readdir(root, out), Errno.ILSEQ);
      expect(out).toEqual([]);
    });

    test('a directory removed by the host lists as empty', () => {
      hostFs.mkdirSync(host('d'));
      const d = open(root, 'd', READ | DIRECTORY);
      hostFs.rmdirSync(host('d'));
      const out: DirEntry[] = [];
      const errno = fs.readdir(d, out);
      // The fd still reaches the (now unlinked, empty) directory; the path fallback finds it gone.
      expectErrno(errno, mode === 'fallback' ? Errno.NOENT : Errno.SUCCESS);
      expect(out).toEqual([]);
    });
  });

  describe('name operations seen from the host', () => {
    test('mkdirAt, symlinkAt, linkAt, renameAt, unlinkAt, rmdirAt, readlinkAt', () => {
      expectErrno(fs.mkdirAt(root, 'd'), Errno.SUCCESS);
      expect(hostFs.statSync(host('d')).isDirectory()).toBe(true);
      expectErrno(fs.symlinkAt('../d/x', root, 'l'), Errno.PERM); // would point outside the root
      expectErrno(fs.symlinkAt('./d/x', root, 'l'), Errno.SUCCESS);
      expect(hostFs.readlinkSync(host('l'))).toBe('./d/x');
      const out: Ref<string> = { value: '' };
      expectErrno(fs.readlinkAt(root, 'l', out), Errno.SUCCESS);
      expect(out.value).toBe('./d/x');
      expectErrno(fs.readlinkAt(root, '.', out), Errno.INVAL);
      hostFs.writeFileSync(host('f'), 'data');
      const d = open(root, 'd', READ | DIRECTORY);
      expectErrno(fs.linkAt(root, 'f', d, 'hard'), Errno.SUCCESS);
      expect(hostFs.statSync(host('f')).nlink).toBe(2);
      expectErrno(fs.renameAt(d, 'hard', root, 'moved'), Errno.SUCCESS);
      expect(hostFs.readFileSync(host('moved'), 'utf8')).toBe('data');
      expectErrno(fs.unlinkAt(root, 'moved'), Errno.SUCCESS);
      expect(hostFs.existsSync(host('moved'))).toBe(false);
      expectErrno(fs.rmdirAt(root, 'd'), Errno.SUCCESS);
      expect(hostFs.existsSync(host('d'))).toBe(false);
    });

    test('`.` is refused by every mutating name operation, so the root cannot be removed or renamed', () => {
      expectErrno(fs.rmdirAt(root, '.'), Errno.INVAL);
      expectErrno(fs.unlinkAt(root, '.'), Errno.ISDIR);
      expectErrno(fs.renameAt(root, '.', root, 'x'), Errno.INVAL);
      expectErrno(fs.renameAt(root, 'x', root, '.'), Errno.INVAL);
      expectErrno(fs.mkdirAt(root, '.'), Errno.EXIST);
      expectErrno(fs.symlinkAt('t', root, '.'), Errno.EXIST);
      hostFs.writeFileSync(host('f'), '');
      expectErrno(fs.linkAt(root, '.', root, 'x'), Errno.PERM);
      expectErrno(fs.linkAt(root, 'f', root, '.'), Errno.EXIST);
      expect(hostFs.statSync(hostRoot).isDirectory()).toBe(true);
    });

    test('a symlink target with NUL is EINVAL', () => {
      expectErrno(fs.symlinkAt('a\0b', root, 'l'), Errno.INVAL);
    });

    test('an unmapped host failure never throws', () => {
      // A name longer than NAME_MAX is refused by the host (ENAMETOOLONG), not by us.
      expectErrno(fs.mkdirAt(root, 'x'.repeat(300)), Errno.NAMETOOLONG);
      expectErrno(openErrno(root, 'x'.repeat(300), WRITE | CREATE), Errno.NAMETOOLONG);
    });
  });

  describe('openDirPath', () => {
    beforeEach(() => hostFs.mkdirSync(host('a', 'b', 'c'), { recursive: true }));

    test('opens a plain chain in one step (native or /proc/self/fd); always declines in the fallback', () => {
      const out: Ref<FsHandle | null> = { value: null };
      const result = fs.openDirPath(root, ['a', 'b', 'c', 'unused'], 3, out);
      if (mode === 'fallback') {
        expect(result).toBe(DECLINED);
        return;
      }
      expectErrno(result, Errno.SUCCESS);
      const h = out.value as FsHandle;
      handles.push(h);
      const st = newFileStat();
      expectErrno(fs.statAt(h, '.', st), Errno.SUCCESS);
      expect(st.ino).toBe(hostFs.statSync(host('a', 'b', 'c'), { bigint: true }).ino);
      // The new handle chains: its own fast path and name operations work.
      expectErrno(fs.mkdirAt(h, 'd'), Errno.SUCCESS);
      expectErrno(fs.openDirPath(h, ['d'], 1, out), Errno.SUCCESS);
      handles.push(out.value as FsHandle);
      expectErrno(fs.openDirPath(root, [], 0, out), Errno.SUCCESS);
      handles.push(out.value as FsHandle);
    });

    test('declines bad input and every error instead of reporting it', () => {
      const out: Ref<FsHandle | null> = { value: null };
      hostFs.writeFileSync(host('a', 'file'), '');
      expect(fs.openDirPath(root, ['a'], 2, out)).toBe(DECLINED);
      expect(fs.openDirPath(root, ['a', '..', 'a'], 3, out)).toBe(DECLINED);
      expect(fs.openDirPath(root, ['a', '.', 'b'], 3, out)).toBe(DECLINED);
      expect(fs.openDirPath(root, ['a/b'], 1, out)).toBe(DECLINED);
      expect(fs.openDirPath(root, ['a', 'missing'], 2, out)).toBe(DECLINED);
      expect(fs.openDirPath(root, ['a', 'file'], 2, out)).toBe(DECLINED);
      expect(fs.openDirPath({}, ['a'], 1, out)).toBe(DECLINED);
      const closed = open(root, 'a', READ | DIRECTORY);
      fs.close(closed);
      expect(fs.openDirPath(closed, ['b'], 1, out)).toBe(DECLINED);
    });
  });
});

describe('guest symlinks that point outside the root', () => {
  test('refused (EPERM) by default; allowOutsideSymlinks lets them be made', () => {
    const dir = hostFs.mkdtempSync(join(tmpdir(), 'vos-outside-'));
    try {
      hostFs.mkdirSync(join(dir, 'root', 'sub'), { recursive: true });
      const strict = new NodeFileSystem(join(dir, 'root'));
      const loose = new NodeFileSystem(join(dir, 'root'), { allowOutsideSymlinks: true });
      for (const [fs, expected] of [[strict, Errno.PERM], [loose, Errno.SUCCESS]] as const) {
        const ref: Ref<FsHandle | null> = { value: null };
        expectErrno(fs.openRoot(ref), Errno.SUCCESS);
        const r = ref.value as FsHandle;
        expectErrno(fs.openAt(r, 'sub', READ | DIRECTORY, ref), Errno.SUCCESS);
        const sub = ref.value as FsHandle;
        const tag = expected === Errno.PERM ? 's' : 'l';
        expectErrno(fs.symlinkAt('../../x', sub, `${tag}1`), expected);
        expectErrno(fs.symlinkAt('a/../..', r, `${tag}2`), expected);
        expectErrno(fs.symlinkAt('../sibling', sub, `${tag}3`), Errno.SUCCESS); // inside, wherever sub goes
        expectErrno(fs.symlinkAt('deeper/./x', r, `${tag}4`), Errno.SUCCESS);
        expectErrno(fs.symlinkAt('../x', r, `${tag}5`), expected); // from the root: outside
        expectErrno(fs.symlinkAt('/etc', r, `${tag}6`), expected); // (the core says ENOTCAPABLE first)
        expectErrno(fs.symlinkAt('x/../y', sub, `${tag}7`), expected); // x may be, or become, a link
        fs.close(sub);
        fs.close(r);
      }
      expect(hostFs.readdirSync(join(dir, 'root')).sort()).toEqual(['l2', 'l4', 'l5', 'l6', 's4', 'sub']);
      expect(hostFs.readdirSync(join(dir, 'root', 'sub')).sort()).toEqual(['l1', 'l3', 'l7', 's3']);
    } finally {
      hostFs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Regression (issue 9): `a/b/two -> ../../x` lands inside when made, but moving `a/b` to the top made it point
  // outside. Two climbs are refused now even where they land inside; one climb from a subdirectory stays inside
  // wherever the directory goes (only the root cannot move, and every other directory has a parent inside).
  test('a link made inside cannot be made to point outside by moving its directory up', () => {
    const dir = hostFs.mkdtempSync(join(tmpdir(), 'vos-outside-'));
    try {
      hostFs.mkdirSync(join(dir, 'root', 'a', 'b', 'c'), { recursive: true });
      const fs = new NodeFileSystem(join(dir, 'root'));
      const ref: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openRoot(ref), Errno.SUCCESS);
      const r = ref.value as FsHandle;
      expectErrno(fs.openAt(r, 'a', READ | DIRECTORY, ref), Errno.SUCCESS);
      const a = ref.value as FsHandle;
      expectErrno(fs.openAt(a, 'b', READ | DIRECTORY, ref), Errno.SUCCESS);
      const b = ref.value as FsHandle;
      expectErrno(fs.openAt(b, 'c', READ | DIRECTORY, ref), Errno.SUCCESS);
      const c = ref.value as FsHandle;
      expectErrno(fs.symlinkAt('../../x', b, 'two'), Errno.PERM);
      expectErrno(fs.symlinkAt('../../../x', c, 'three'), Errno.PERM);
      expectErrno(fs.symlinkAt('./../../x', b, 'two'), Errno.PERM);
      expectErrno(fs.symlinkAt('../y', b, 'one'), Errno.SUCCESS);
      expectErrno(fs.symlinkAt('../z', c, 'one'), Errno.SUCCESS);
      // Every directory moved as high as it goes, and the links with them.
      expectErrno(fs.renameAt(a, 'b', r, 'b'), Errno.SUCCESS);
      expectErrno(fs.renameAt(b, 'c', r, 'c'), Errno.SUCCESS);
      for (const h of [c, b, a, r]) fs.close(h);
      expect(linksLeaving(join(dir, 'root'))).toEqual([]);
      expect(hostFs.readlinkSync(join(dir, 'root', 'b', 'one'))).toBe('../y');
      expect(hostFs.readlinkSync(join(dir, 'root', 'c', 'one'))).toBe('../z');
    } finally {
      hostFs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('moving or linking a link to the root, where its one climb leads out, is EPERM', () => {
    const dir = hostFs.mkdtempSync(join(tmpdir(), 'vos-outside-'));
    try {
      hostFs.mkdirSync(join(dir, 'root', 'sub'), { recursive: true });
      const fs = new NodeFileSystem(join(dir, 'root'));
      const ref: Ref<FsHandle | null> = { value: null };
      expectErrno(fs.openRoot(ref), Errno.SUCCESS);
      const r = ref.value as FsHandle;
      expectErrno(fs.openAt(r, 'sub', READ | DIRECTORY, ref), Errno.SUCCESS);
      const sub = ref.value as FsHandle;
      expectErrno(fs.symlinkAt('../y', sub, 'up'), Errno.SUCCESS);
      expectErrno(fs.renameAt(sub, 'up', r, 'up'), Errno.PERM);
      expectErrno(fs.linkAt(sub, 'up', r, 'up'), Errno.PERM);
      fs.close(sub);
      fs.close(r);
      expect(linksLeaving(join(dir, 'root'))).toEqual([]);
    } finally {
      hostFs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Every symlink under `root` whose target, read as the host's tools read it (from the link's directory), leaves `root`. */
function linksLeaving(root: string): string[] {
  const out: string[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const e of hostFs.readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isSymbolicLink()) {
        const to = resolve(d, hostFs.readlinkSync(p));
        if (to !== root && !to.startsWith(root + sep)) out.push(relative(root, p));
      }
    }
  }
  return out;
}
