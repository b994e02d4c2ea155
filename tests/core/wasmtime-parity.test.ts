/**
 * Regression tests for syscalls that answered differently from wasmtime (issue 8, item 1), each against the
 * core directly: path_open of a directory for writing, sock_* on stdio that the host gave as a socket, poll on
 * stdin at end of input, and rename/link between two preopens of one host filesystem.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  Errno, Eventrwflags, Eventtype, Filetype, Oflags, Rights, RIGHTS_ALL, WasiCore, type FileSystem, type Preview1Syscalls, type Stream,
} from '@vos/core';
import { FakeClock } from '@vos/clock';
import { createNodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { BufferSource, NullStream } from '@vos/stdio';

const ALL = BigInt(RIGHTS_ALL);
const READ = BigInt(Rights.FD_READ | Rights.FD_READDIR);
const WRITE = BigInt(Rights.FD_WRITE);

interface Fixture {
  sys: Preview1Syscalls;
  mem: WebAssembly.Memory;
  str(s: string, at?: number): [number, number];
  open(p: string, oflags: number, rights: bigint, fd?: number): { errno: number; fd: number };
}

const tmpDirs: string[] = [];
afterAll(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

function hostDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-parity-'));
  tmpDirs.push(d);
  return d;
}

function fixture(preopens: { guestPath: string; fs: FileSystem }[], stdin: Stream = new NullStream()): Fixture {
  const clock = new FakeClock();
  const core = new WasiCore({
    args: [], env: [], preopens, clock, random: { fill: () => {} },
    stdio: { stdin, stdout: new NullStream(), stderr: new NullStream() },
  });
  const mem = new WebAssembly.Memory({ initial: 1 });
  core.bindMemory(mem);
  const sys = core.preview1;
  const f: Fixture = {
    sys, mem,
    str(s, at = 1024) {
      const b = Buffer.from(s);
      new Uint8Array(mem.buffer).set(b, at);
      return [at, b.length];
    },
    open(p, oflags, rights, fd = 3) {
      const [ptr, len] = f.str(p);
      const errno = sys.path_open(fd, 0, ptr, len, oflags, rights, ALL, 0, 512);
      return { errno, fd: new DataView(mem.buffer).getUint32(512, true) };
    },
  };
  return f;
}

describe.each([
  ['host directory', (): FileSystem => createNodeFileSystem(hostDir())],
  ['memory filesystem', (): FileSystem => new MemoryFileSystem({ clock: new FakeClock() })],
])('path_open of a directory for writing is EISDIR (%s)', (_name, make) => {
  let f: Fixture;
  beforeEach(() => {
    f = fixture([{ guestPath: '/', fs: make() }]);
    const [p, n] = f.str('sub');
    expect(f.sys.path_create_directory(3, p, n)).toBe(Errno.SUCCESS);
  });

  test('`.` of the preopen with O_DIRECTORY and FD_WRITE', () => {
    expect(f.open('.', Oflags.DIRECTORY, READ | WRITE).errno).toBe(Errno.ISDIR);
  });
  test('a subdirectory with O_DIRECTORY and FD_WRITE, or a trailing slash and FD_WRITE', () => {
    expect(f.open('sub', Oflags.DIRECTORY, WRITE).errno).toBe(Errno.ISDIR);
    expect(f.open('sub/', 0, READ | WRITE).errno).toBe(Errno.ISDIR);
  });
  test('other write rights count too (wasmtime: DATASYNC, ALLOCATE, FILESTAT_SET_SIZE)', () => {
    expect(f.open('.', Oflags.DIRECTORY, BigInt(Rights.FD_FILESTAT_SET_SIZE)).errno).toBe(Errno.ISDIR);
  });
  test('lookup errors come first: a missing name is ENOENT, a file ENOTDIR', () => {
    expect(f.open('missing', Oflags.DIRECTORY, READ | WRITE).errno).toBe(Errno.NOENT);
    expect(f.open('plain', Oflags.CREAT, READ | WRITE).errno).toBe(Errno.SUCCESS);
    expect(f.open('plain', Oflags.DIRECTORY, READ | WRITE).errno).toBe(Errno.NOTDIR);
  });
  test('without write rights the directory opens, and no fd leaks from the refusals', () => {
    for (let i = 0; i < 5; i++) expect(f.open('.', Oflags.DIRECTORY, ALL).errno).toBe(Errno.ISDIR);
    const r = f.open('.', Oflags.DIRECTORY, READ);
    expect(r.errno).toBe(Errno.SUCCESS);
    expect(r.fd).toBe(4); // the lowest free fd: none of the refused opens kept one
  });
});

describe.each([
  ['host directory', (): FileSystem => createNodeFileSystem(hostDir())],
  ['memory filesystem', (): FileSystem => new MemoryFileSystem({ clock: new FakeClock() })],
])('the WASI test suite\'s path_open_preopen sequence, written for vos (%s)', (_name, make) => {
  test('`.` opens with the preopen\'s own rights, none, O_DIRECTORY alone and with FD_READ; with FD_WRITE it is EISDIR', () => {
    const f = fixture([{ guestPath: '/', fs: make() }]);
    const v = new DataView(f.mem.buffer);
    expect(f.sys.fd_fdstat_get(3, 256)).toBe(Errno.SUCCESS);
    const base = v.getBigUint64(256 + 8, true);
    const inheriting = v.getBigUint64(256 + 16, true);
    const open = (oflags: number, rights: bigint, inherit: bigint): number => {
      const [ptr, len] = f.str('.');
      return f.sys.path_open(3, 0, ptr, len, oflags, rights, inherit, 0, 512);
    };
    expect(open(0, base, inheriting)).toBe(Errno.SUCCESS);
    expect(open(0, 0n, 0n)).toBe(Errno.SUCCESS);
    expect(open(Oflags.DIRECTORY, 0n, 0n)).toBe(Errno.SUCCESS);
    expect(open(Oflags.DIRECTORY, BigInt(Rights.FD_READ), 0n)).toBe(Errno.SUCCESS);
    expect(open(Oflags.DIRECTORY, BigInt(Rights.FD_READ | Rights.FD_WRITE), 0n)).toBe(Errno.ISDIR);
    // The rights the suite requires of a preopened directory.
    for (const r of ['PATH_CREATE_DIRECTORY', 'PATH_CREATE_FILE', 'PATH_LINK_SOURCE', 'PATH_LINK_TARGET', 'PATH_OPEN', 'FD_READDIR',
      'PATH_READLINK', 'PATH_RENAME_SOURCE', 'PATH_RENAME_TARGET', 'PATH_SYMLINK', 'PATH_REMOVE_DIRECTORY', 'PATH_UNLINK_FILE',
      'PATH_FILESTAT_GET', 'PATH_FILESTAT_SET_TIMES', 'FD_FILESTAT_GET', 'FD_FILESTAT_SET_TIMES'] as const) {
      expect([r, (base & BigInt(Rights[r])) !== 0n]).toEqual([r, true]);
    }
  });
});

describe('poll_oneoff on stdin at end of input sets FD_READWRITE_HANGUP', () => {
  function pollStdin(stdin: Stream): { count: number; error: number; type: number; nbytes: bigint; flags: number } {
    const f = fixture([], stdin);
    const v = new DataView(f.mem.buffer);
    v.setBigUint64(2048, 7n, true);
    v.setUint8(2048 + 8, Eventtype.FD_READ);
    v.setUint32(2048 + 16, 0, true);
    expect(f.sys.poll_oneoff(2048, 4096, 1, 8000)).toBe(Errno.SUCCESS);
    return {
      count: v.getUint32(8000, true), error: v.getUint16(4096 + 8, true), type: v.getUint8(4096 + 10),
      nbytes: v.getBigUint64(4096 + 16, true), flags: v.getUint16(4096 + 24, true),
    };
  }
  test('an empty stdin (the null device, or content read to its end)', () => {
    expect(pollStdin(new NullStream())).toEqual({ count: 1, error: 0, type: Eventtype.FD_READ, nbytes: 0n, flags: Eventrwflags.FD_READWRITE_HANGUP });
    expect(pollStdin(new BufferSource(''))).toEqual({ count: 1, error: 0, type: Eventtype.FD_READ, nbytes: 0n, flags: Eventrwflags.FD_READWRITE_HANGUP });
  });
  test('a stdin with data is ready without the flag', () => {
    expect(pollStdin(new BufferSource('abc'))).toEqual({ count: 1, error: 0, type: Eventtype.FD_READ, nbytes: 3n, flags: 0 });
  });
  test('a stream that cannot tell (no readable()) is ready without the flag', () => {
    const unknown: Stream = { filetype: 0, read: () => 0, write: () => -Errno.BADF, stat: () => Errno.SUCCESS };
    expect(pollStdin(unknown).flags).toBe(0);
  });
});

describe('path_rename and path_link between two preopens', () => {
  test('two host directories on one filesystem: both succeed, as natively, under wasmtime and node:wasi', () => {
    const top = hostDir();
    fs.mkdirSync(path.join(top, 'a'));
    fs.mkdirSync(path.join(top, 'b'));
    fs.writeFileSync(path.join(top, 'a', 'f'), 'moved');
    fs.writeFileSync(path.join(top, 'a', 'g'), 'linked');
    const f = fixture([
      { guestPath: '/a', fs: createNodeFileSystem(path.join(top, 'a')) },
      { guestPath: '/b', fs: createNodeFileSystem(path.join(top, 'b')) },
    ]);
    const [s, sn] = f.str('f', 1024);
    const [d, dn] = f.str('f2', 1100);
    expect(f.sys.path_rename(3, s, sn, 4, d, dn)).toBe(Errno.SUCCESS);
    expect(fs.readFileSync(path.join(top, 'b', 'f2'), 'utf8')).toBe('moved');
    expect(fs.existsSync(path.join(top, 'a', 'f'))).toBe(false);
    const [g, gn] = f.str('g', 1024);
    const [h, hn] = f.str('h', 1100);
    expect(f.sys.path_link(3, 0, g, gn, 4, h, hn)).toBe(Errno.SUCCESS);
    expect(fs.statSync(path.join(top, 'b', 'h')).ino).toBe(fs.statSync(path.join(top, 'a', 'g')).ino);
    // Containment still holds on the target side.
    const [o, on] = f.str('../escape', 1100);
    expect(f.sys.path_rename(4, h, hn, 4, o, on)).toBe(Errno.NOTCAPABLE);
  });

  test('a host directory and a memory filesystem are different filesystems: EXDEV', () => {
    const top = hostDir();
    fs.writeFileSync(path.join(top, 'f'), 'x');
    const f = fixture([
      { guestPath: '/h', fs: createNodeFileSystem(top) },
      { guestPath: '/m', fs: new MemoryFileSystem({ clock: new FakeClock() }) },
    ]);
    const [s, sn] = f.str('f', 1024);
    const [d, dn] = f.str('f', 1100);
    expect(f.sys.path_rename(3, s, sn, 4, d, dn)).toBe(Errno.XDEV);
    expect(f.sys.path_link(3, 0, s, sn, 4, d, dn)).toBe(Errno.XDEV);
    expect(f.sys.path_rename(4, d, dn, 3, s, sn)).toBe(Errno.XDEV);
  });

  test('two memory filesystems are different filesystems: EXDEV', () => {
    const f = fixture([
      { guestPath: '/m1', fs: new MemoryFileSystem({ clock: new FakeClock() }) },
      { guestPath: '/m2', fs: new MemoryFileSystem({ clock: new FakeClock() }) },
    ]);
    expect(f.open('f', Oflags.CREAT, ALL).errno).toBe(Errno.SUCCESS);
    const [s, sn] = f.str('f', 1024);
    const [d, dn] = f.str('f', 1100);
    expect(f.sys.path_rename(3, s, sn, 4, d, dn)).toBe(Errno.XDEV);
  });

  test('host directories on different devices: EXDEV, from the host', () => {
    // /dev/shm is a tmpfs on Linux; skip (with the reason) where it is the same device as the temp directory.
    const shm = '/dev/shm';
    const top = hostDir();
    if (!fs.existsSync(shm) || fs.statSync(shm).dev === fs.statSync(top).dev) {
      console.warn('skipped: no second host filesystem (/dev/shm) on a different device from the temp directory');
      return;
    }
    const other = fs.mkdtempSync(path.join(shm, 'vos-parity-'));
    tmpDirs.push(other);
    fs.writeFileSync(path.join(top, 'f'), 'x');
    const f = fixture([
      { guestPath: '/a', fs: createNodeFileSystem(top) },
      { guestPath: '/b', fs: createNodeFileSystem(other) },
    ]);
    const [s, sn] = f.str('f', 1024);
    const [d, dn] = f.str('f', 1100);
    expect(f.sys.path_rename(3, s, sn, 4, d, dn)).toBe(Errno.XDEV);
    expect(f.sys.path_link(3, 0, s, sn, 4, d, dn)).toBe(Errno.XDEV);
  });
});

test('stdio that the host hands over as a socket is an unknown stream to the guest: sock_shutdown is ENOTSOCK', () => {
  // Node's child_process pipes are socketpairs: the child sees sockets on fds 0-2. It runs in a child process
  // so the test's own stdio does not matter.
  const script = `
    const { WasiCore, Errno } = require('@vos/core');
    const { HostFdStream, NullStream } = require('@vos/stdio');
    const { FakeClock } = require('@vos/clock');
    const fs = require('node:fs');
    const isSocket = fs.fstatSync(0).isSocket();
    const core = new WasiCore({ args: [], env: [], preopens: [], clock: new FakeClock(), random: { fill() {} },
      stdio: { stdin: new HostFdStream(0), stdout: new HostFdStream(1), stderr: new NullStream() } });
    const mem = new WebAssembly.Memory({ initial: 1 });
    core.bindMemory(mem);
    const sys = core.preview1;
    const out = { isSocket, shutdown: [sys.sock_shutdown(0, 3), sys.sock_shutdown(1, 2)] };
    sys.fd_fdstat_get(0, 64);
    out.filetype = new DataView(mem.buffer).getUint8(64);
    sys.fd_filestat_get(1, 128);
    out.statFiletype = new DataView(mem.buffer).getUint8(128 + 16);
    process.stderr.write(JSON.stringify(out));
  `;
  const child = spawnSync(process.execPath, ['-r', path.join(__dirname, '../api/ts-register.js'), '-e', script], {
    stdio: ['pipe', 'pipe', 'pipe'], encoding: 'utf8', timeout: 20_000,
  });
  const out = JSON.parse(child.stderr);
  expect(out.isSocket).toBe(true); // the premise: the host really handed over sockets
  expect(out.shutdown).toEqual([Errno.NOTSOCK, Errno.NOTSOCK]);
  expect(out.filetype).toBe(Filetype.UNKNOWN);
  expect(out.statFiletype).toBe(Filetype.UNKNOWN);
});
