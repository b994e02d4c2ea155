/**
 * Vectored I/O (the optional `readv`/`writev` of the FileSystem contract) as the guest sees it through
 * fd_read/fd_write/fd_pread/fd_pwrite: the same bytes and counts whether the backend transfers a whole iovec array
 * in one host call (NodeFileSystem: preadv/pwritev on the native path, readvSync/writevSync on the JavaScript one)
 * or the core calls `read`/`write` once per iovec (MemoryFileSystem, layers that change reads or writes). Run on
 * the JavaScript path here and on the native one in tests/native's child jest.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Errno, Fdflags, ForwardingFileSystem, IOV_MAX, Oflags, RIGHTS_ALL, Rights, WasiCore, readByParts, writeByParts,
  type FileSystem, type FsHandle,
} from '@vos/core';
import { NodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { FaultyFileSystem, OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import { NullStream } from '@vos/stdio';
import { SystemClock } from '@vos/clock';
import { nodeFsPaths } from '../helpers/fs-node-paths';
import { InstantClock } from './harness';

const [[PATH_NAME, NODE_OPTIONS]] = nodeFsPaths();
const PATH = 2000;
const OUT = 1000;
const IOVS = 4096; // the iovec array
const DATA = 65536; // the buffers it names, in the second page
const enc = new TextEncoder();
const dec = new TextDecoder();

/** A core with `fs` preopened at fd 3 and two pages of memory. */
function world(fs: FileSystem) {
  const stream = new NullStream();
  const core = new WasiCore({
    args: [], env: [], preopens: [{ guestPath: '/sandbox', fs }], clock: new InstantClock(),
    random: { fill: (buf, off, len) => buf.fill(7, off, off + len) }, stdio: { stdin: stream, stdout: stream, stderr: stream },
  });
  const memory = new WebAssembly.Memory({ initial: 2 });
  core.bindMemory(memory);
  const sys = core.preview1;
  const u8 = () => new Uint8Array(memory.buffer);
  const view = () => new DataView(memory.buffer);
  /** Writes an iovec array of `lens` buffers, spaced 4 KiB apart from DATA (or at `bufs`), and returns the count. */
  function iovecs(lens: readonly number[], bufs?: readonly number[]): number {
    lens.forEach((len, i) => {
      view().setUint32(IOVS + i * 8, bufs?.[i] ?? DATA + i * 4096, true);
      view().setUint32(IOVS + i * 8 + 4, len, true);
    });
    return lens.length;
  }
  return {
    core,
    sys,
    u8,
    open(name: string, oflags = 0, fdflags = 0, rights = BigInt(RIGHTS_ALL)): number {
      const n = enc.encode(name);
      u8().set(n, PATH);
      const errno = sys.path_open(3, 0, PATH, n.length, oflags, rights, rights, fdflags, OUT);
      if (errno !== Errno.SUCCESS) throw new Error(`path_open ${name}: errno ${errno}`);
      return view().getUint32(OUT, true);
    },
    /** fd_write (or fd_pwrite at `at`) of `parts`, each from its own buffer; '' is a zero-length iovec. */
    write(fd: number, parts: readonly string[], at?: bigint): [number, number] {
      const count = iovecs(parts.map((p) => enc.encode(p).length));
      parts.forEach((p, i) => u8().set(enc.encode(p), DATA + i * 4096));
      const errno = at === undefined ? sys.fd_write(fd, IOVS, count, OUT) : sys.fd_pwrite(fd, IOVS, count, at, OUT);
      return [errno, view().getUint32(OUT, true)];
    },
    /** fd_read (or fd_pread at `at`) into buffers of `lens` bytes; returns the errno, the count and each buffer's text. */
    read(fd: number, lens: readonly number[], at?: bigint): [number, number, string[]] {
      const count = iovecs(lens);
      lens.forEach((len, i) => u8().fill(0, DATA + i * 4096, DATA + i * 4096 + len));
      const errno = at === undefined ? sys.fd_read(fd, IOVS, count, OUT) : sys.fd_pread(fd, IOVS, count, at, OUT);
      const n = view().getUint32(OUT, true);
      const texts = lens.map((len, i) => dec.decode(u8().subarray(DATA + i * 4096, DATA + i * 4096 + len)).replace(/\0+$/, ''));
      return [errno, n, texts];
    },
    iovecs,
    view,
  };
}

function hostDir(): { dir: string; cleanup: () => void } {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-vectored-'));
  const dir = join(tmp, 'root');
  mkdirSync(dir);
  return { dir, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

interface Backend {
  fs: FileSystem;
  /** The host directory behind it, if any (to check what reached the host). */
  dir: string | null;
  cleanup: () => void;
}

const BACKENDS: [string, () => Backend][] = [
  [`NodeFileSystem (${PATH_NAME})`, () => {
    const { dir, cleanup } = hostDir();
    return { fs: new NodeFileSystem(dir, NODE_OPTIONS), dir, cleanup };
  }],
  ['MemoryFileSystem (no readv: one read per iovec)', () => ({ fs: new MemoryFileSystem({ clock: new SystemClock() }), dir: null, cleanup: () => {} })],
  [`FaultyFileSystem, empty plan, over NodeFileSystem (${PATH_NAME})`, () => {
    const { dir, cleanup } = hostDir();
    return { fs: new FaultyFileSystem(new NodeFileSystem(dir, NODE_OPTIONS)), dir, cleanup };
  }],
  [`OverlayFileSystem, node upper over node lower (${PATH_NAME})`, () => {
    const a = hostDir();
    const b = hostDir();
    const fs = new OverlayFileSystem(new NodeFileSystem(a.dir, NODE_OPTIONS), new NodeFileSystem(b.dir, NODE_OPTIONS));
    return { fs, dir: b.dir, cleanup: () => (a.cleanup(), b.cleanup()) };
  }],
  ['OverlayFileSystem, memory upper over memory lower', () => ({
    fs: new OverlayFileSystem(new MemoryFileSystem({ clock: new SystemClock() }), new MemoryFileSystem({ clock: new SystemClock() })),
    dir: null,
    cleanup: () => {},
  })],
];

describe.each(BACKENDS)('vectored I/O through the syscalls: %s', (_name, make) => {
  let backend: Backend;
  let w: ReturnType<typeof world>;
  beforeEach(() => {
    backend = make();
    w = world(backend.fs);
  });
  afterEach(() => {
    w.core.dispose();
    backend.cleanup();
  });

  test('fd_write gathers every iovec in order, zero-length ones included, and moves the cursor by the total', () => {
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['ab', '', 'cde', '', 'f'])).toEqual([Errno.SUCCESS, 6]);
    expect(w.write(fd, ['', 'gh'])).toEqual([Errno.SUCCESS, 2]);
    expect(w.read(w.open('f'), [3, 0, 16])).toEqual([Errno.SUCCESS, 8, ['abc', '', 'defgh']]);
    if (backend.dir !== null) expect(readFileSync(join(backend.dir, 'f'), 'utf8')).toBe('abcdefgh');
  });

  test('only zero-length iovecs (or none) transfer nothing and leave the cursor', () => {
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['', ''])).toEqual([Errno.SUCCESS, 0]);
    expect(w.write(fd, [])).toEqual([Errno.SUCCESS, 0]);
    expect(w.write(fd, ['x'])).toEqual([Errno.SUCCESS, 1]);
    const r = w.open('f');
    expect(w.read(r, [0, 0])).toEqual([Errno.SUCCESS, 0, ['', '']]);
    expect(w.read(r, [1])).toEqual([Errno.SUCCESS, 1, ['x']]);
  });

  test('fd_read scatters in order and is short at EOF, then 0', () => {
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['0123456789'])).toEqual([Errno.SUCCESS, 10]);
    const r = w.open('f');
    expect(w.read(r, [4, 0, 3])).toEqual([Errno.SUCCESS, 7, ['0123', '', '456']]);
    expect(w.read(r, [2, 5, 5])).toEqual([Errno.SUCCESS, 3, ['78', '9', '']]); // short: the file ends
    expect(w.read(r, [2, 5])).toEqual([Errno.SUCCESS, 0, ['', '']]);
  });

  test('fd_pread/fd_pwrite at an offset leave the cursor; past the end reads 0 and writes zero-fill', () => {
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['abcdef'])).toEqual([Errno.SUCCESS, 6]);
    expect(w.write(fd, ['X', '', 'Y'], 2n)).toEqual([Errno.SUCCESS, 2]);
    expect(w.read(fd, [2, 2], 1n)).toEqual([Errno.SUCCESS, 4, ['bX', 'Ye']]);
    expect(w.read(fd, [4], 6n)).toEqual([Errno.SUCCESS, 0, ['']]);
    expect(w.write(fd, ['!', '?'], 8n)).toEqual([Errno.SUCCESS, 2]);
    expect(w.write(fd, ['+'])).toEqual([Errno.SUCCESS, 1]); // the cursor stayed at 6
    expect(w.read(w.open('f'), [16])).toEqual([Errno.SUCCESS, 10, ['abXYef+\0!?']]);
  });

  test('APPEND: fd_write and fd_pwrite of several iovecs land at the end, whatever the cursor or offset', () => {
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['one'])).toEqual([Errno.SUCCESS, 3]);
    const a = w.open('f', 0, Fdflags.APPEND);
    expect(w.write(a, ['t', '', 'wo'])).toEqual([Errno.SUCCESS, 3]);
    expect(w.write(fd, ['ONE'], 0n)).toEqual([Errno.SUCCESS, 3]);
    expect(w.write(a, ['3', '4'], 0n)).toEqual([Errno.SUCCESS, 2]);
    expect(w.read(w.open('f'), [32])).toEqual([Errno.SUCCESS, 8, ['ONEtwo34']]);
  });

  test(`IOV_MAX (${IOV_MAX}) one-byte iovecs in one call, and IOV_MAX + 1 (then one call per iovec)`, () => {
    const fd = w.open('f', Oflags.CREAT);
    for (const count of [IOV_MAX, IOV_MAX + 1]) {
      const bufs = Array.from({ length: count }, (_, i) => DATA + i * 2);
      w.iovecs(Array(count).fill(1), bufs);
      bufs.forEach((b, i) => (w.u8()[b] = 65 + (i % 26)));
      expect(w.sys.fd_pwrite(fd, IOVS, count, 0n, OUT)).toBe(Errno.SUCCESS);
      expect(w.view().getUint32(OUT, true)).toBe(count);
      bufs.forEach((b) => (w.u8()[b] = 0));
      expect(w.sys.fd_pread(fd, IOVS, count, 0n, OUT)).toBe(Errno.SUCCESS);
      expect(w.view().getUint32(OUT, true)).toBe(count);
      expect(bufs.every((b, i) => w.u8()[b] === 65 + (i % 26))).toBe(true);
    }
  });

  test('an iovec array inside the buffer it fills is read before the transfer (as readv)', () => {
    const fd = w.open('f', Oflags.CREAT);
    const text = 'x'.repeat(40);
    expect(w.write(fd, [text])).toEqual([Errno.SUCCESS, 40]);
    // Two iovecs at IOVS: the first fills the 32 bytes from IOVS, overwriting the array itself.
    w.iovecs([32, 8], [IOVS, DATA]);
    expect(w.sys.fd_pread(fd, IOVS, 2, 0n, OUT)).toBe(Errno.SUCCESS);
    const n = w.view().getUint32(OUT, true);
    expect(n).toBe(40);
    expect(dec.decode(w.u8().subarray(IOVS, IOVS + 32))).toBe(text.slice(0, 32));
    expect(dec.decode(w.u8().subarray(DATA, DATA + 8))).toBe(text.slice(32));
  });

  test('EFAULT for an iovec outside memory, before any byte is transferred', () => {
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['keep'])).toEqual([Errno.SUCCESS, 4]);
    w.iovecs([2, 4], [DATA, 2 * 65536 - 3]);
    w.u8().set(enc.encode('no'), DATA);
    expect(w.sys.fd_pwrite(fd, IOVS, 2, 0n, OUT)).toBe(Errno.FAULT);
    expect(w.sys.fd_write(fd, IOVS, 2, OUT)).toBe(Errno.FAULT);
    expect(w.sys.fd_pread(fd, IOVS, 2, 0n, OUT)).toBe(Errno.FAULT);
    expect(w.read(w.open('f'), [8])).toEqual([Errno.SUCCESS, 4, ['keep']]);
  });
});

describe('vectored I/O through layers', () => {
  let host: { dir: string; cleanup: () => void };
  beforeEach(() => (host = hostDir()));
  afterEach(() => host.cleanup());
  const node = () => new NodeFileSystem(host.dir, NODE_OPTIONS);

  test('NodeFileSystem offers readv and writev (on both of its paths)', () => {
    const fs = node();
    expect(typeof fs.readv).toBe('function');
    expect(typeof fs.writev).toBe('function');
  });

  test('ForwardingFileSystem forwards them only where the inner backend has them', () => {
    expect(typeof new ForwardingFileSystem(node()).readv).toBe('function');
    expect(typeof new ForwardingFileSystem(node()).writev).toBe('function');
    const memory = new ForwardingFileSystem(new MemoryFileSystem({ clock: new SystemClock() }));
    expect([memory.readv, memory.writev]).toEqual([undefined, undefined]);
  });

  test('a layer that overrides write loses writev (its write must see every byte); its own writev stays', () => {
    class CountingWrites extends ForwardingFileSystem {
      bytes = 0;
      override write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
        this.bytes += len;
        return this.inner.write(h, buf, off, len, position);
      }
    }
    const counting = new CountingWrites(node());
    expect(typeof counting.readv).toBe('function');
    expect(counting.writev).toBeUndefined();
    const w = world(counting);
    expect(w.write(w.open('f', Oflags.CREAT), ['ab', 'c'])).toEqual([Errno.SUCCESS, 3]);
    expect(counting.bytes).toBe(3);
    w.core.dispose();

    class OwnWritev extends CountingWrites {
      writev(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
        return writeByParts(this, h, mem, iovs, count, position);
      }
    }
    const own = new OwnWritev(node());
    expect(own.writev).toBe(OwnWritev.prototype.writev);
  });

  test('ReadOnlyFileSystem forwards readv (reads pass through) but not writev', () => {
    writeFileSync(join(host.dir, 'f'), 'read only');
    const ro = new ReadOnlyFileSystem(node());
    expect(typeof ro.readv).toBe('function');
    expect(ro.writev).toBeUndefined();
    const w = world(ro);
    expect(w.read(w.open('f', 0, 0, BigInt(Rights.FD_READ)), [4, 1, 16])).toEqual([Errno.SUCCESS, 9, ['read', ' ', 'only']]);
    w.core.dispose();
  });

  test('FaultyFileSystem: a read (write) rule sends every transfer through its read (write), iovec by iovec', () => {
    const both = new FaultyFileSystem(node(), { rules: [{ op: '*', errno: Errno.IO, nth: 1000 }] });
    expect([both.readv, both.writev]).toEqual([undefined, undefined]);
    const short = new FaultyFileSystem(node(), { rules: [{ op: 'write', short: 1 }] });
    expect(typeof short.readv).toBe('function');
    expect(short.writev).toBeUndefined();
    const w = world(short);
    // Each write is cut to one byte: the first iovec's short write ends the call (as writev's short count).
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['abc', 'def'])).toEqual([Errno.SUCCESS, 1]);
    expect(w.write(fd, ['bc'])).toEqual([Errno.SUCCESS, 1]);
    expect(w.read(w.open('f'), [1, 8])).toEqual([Errno.SUCCESS, 2, ['a', 'b']]);
    expect(short.injected.length).toBe(2);
    w.core.dispose();
    const failing = new FaultyFileSystem(node(), { rules: [{ op: 'read', errno: Errno.IO, nth: 2 }] });
    expect(failing.readv).toBeUndefined();
    const v = world(failing);
    expect(v.write(v.open('g', Oflags.CREAT), ['abcdef'])).toEqual([Errno.SUCCESS, 6]);
    // The second iovec's read fails: the bytes of the first are the result, as readv after a partial transfer.
    expect(v.read(v.open('g'), [2, 2])).toEqual([Errno.SUCCESS, 2, ['ab', '']]);
    v.core.dispose();
  });
});

describe('how the core calls a backend', () => {
  /** MemoryFileSystem with vectored I/O that logs each call (and may cut writes short). */
  class Logged extends ForwardingFileSystem {
    log: string[] = [];
    cap = Infinity;
    override read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
      this.log.push(`read ${len}@${position}`);
      return this.inner.read(h, buf, off, len, position);
    }
    override write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
      this.log.push(`write ${len}@${position}`);
      return this.inner.write(h, buf, off, Math.min(len, this.cap), position);
    }
    readv(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
      this.log.push(`readv ${count}@${position}`);
      return readByParts(this.inner, h, mem, iovs, count, position);
    }
    writev(h: FsHandle, mem: Uint8Array, iovs: number, count: number, position: number): number {
      this.log.push(`writev ${count}@${position}`);
      const n = writeByParts(this.inner, h, mem, iovs, count, position);
      return n > this.cap ? this.cap : n; // only a short count to report; the test checks the cursor
    }
  }

  test('one readv/writev per syscall of several iovecs; read/write for one; none for zero bytes; one read/write per iovec past IOV_MAX', () => {
    const fs = new Logged(new MemoryFileSystem({ clock: new SystemClock() }));
    const w = world(fs);
    const fd = w.open('f', Oflags.CREAT);
    expect(w.write(fd, ['ab', '', 'c'])).toEqual([Errno.SUCCESS, 3]);
    expect(w.write(fd, ['', ''])).toEqual([Errno.SUCCESS, 0]);
    expect(w.read(fd, [2, 2], 0n)).toEqual([Errno.SUCCESS, 3, ['ab', 'c']]);
    expect(fs.log).toEqual(['writev 3@0', 'readv 2@0']);
    fs.log.length = 0;
    // One iovec (libc's read and write) is a plain read/write, with the buffer the iovec names.
    expect(w.write(fd, ['xy'])).toEqual([Errno.SUCCESS, 2]);
    expect(w.read(fd, [4], 1n)).toEqual([Errno.SUCCESS, 4, ['bcxy']]);
    expect(fs.log).toEqual(['write 2@3', 'read 4@1']);
    fs.log.length = 0;
    const lens = Array.from({ length: IOV_MAX + 1 }, (_, i) => (i === 0 || i === IOV_MAX ? 1 : 0));
    w.iovecs(lens, lens.map((_, i) => DATA + i));
    expect(w.sys.fd_pwrite(fd, IOVS, IOV_MAX + 1, 10n, OUT)).toBe(Errno.SUCCESS);
    expect(fs.log).toEqual(['write 1@10', 'write 1@11']);
    w.core.dispose();
  });

  test('a short writev moves the cursor by what was written, and the guest sees that count', () => {
    const fs = new Logged(new MemoryFileSystem({ clock: new SystemClock() }));
    const w = world(fs);
    const fd = w.open('f', Oflags.CREAT);
    fs.cap = 2;
    expect(w.write(fd, ['abc', 'def'])).toEqual([Errno.SUCCESS, 2]);
    fs.cap = Infinity;
    expect(w.write(fd, ['Z'])).toEqual([Errno.SUCCESS, 1]);
    expect(fs.log).toEqual(['writev 2@0', 'write 1@2']);
    w.core.dispose();
  });
});
