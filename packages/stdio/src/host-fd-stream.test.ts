import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { HostFdStream } from './host-fd-stream';
import { hostStdio } from './host-stdio';
import { RetryBackoff } from './retry-backoff';
import { Filetype, READABLE_EOF } from '@vos/core';
import { Errno } from '@vos/core';
import { newFileStat } from '@vos/core';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

let dir: string;
const openFds: number[] = [];
function open(p: string, flags: string | number): number {
  const fd = fs.openSync(p, flags);
  openFds.push(fd);
  return fd;
}

function readAll(stream: HostFdStream, max = 1 << 16): string {
  const buf = new Uint8Array(max);
  let total = 0;
  for (;;) {
    const n = stream.read(buf, total, max - total);
    if (n < 0) throw new Error(`read failed: ${n}`);
    if (n === 0) return dec(buf.subarray(0, total));
    total += n;
  }
}

/** Resolves with the child's stdout once it exits. */
function output(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(out));
  });
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function mkfifo(name: string): string {
  const p = path.join(dir, name);
  execFileSync('mkfifo', [p]);
  return p;
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-stdio-'));
});
afterEach(() => {
  for (const fd of openFds.splice(0)) fs.closeSync(fd);
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('HostFdStream on a regular file', () => {
  test('reports REGULAR_FILE and has no seek', () => {
    const s = new HostFdStream(open(path.join(dir, 'f'), 'w+'));
    expect(s.filetype).toBe(Filetype.REGULAR_FILE);
    expect('seek' in s).toBe(false);
  });

  test('reads into the given offset of the buffer', () => {
    fs.writeFileSync(path.join(dir, 'f'), 'abc');
    const s = new HostFdStream(open(path.join(dir, 'f'), 'r'));
    const buf = new Uint8Array(8).fill(0x2e);
    expect(s.read(buf, 4, 4)).toBe(3);
    expect(dec(buf)).toBe('....abc.');
  });

  test('I/O follows the kernel offset, interleaving with host writes', () => {
    const fd = open(path.join(dir, 'f'), 'w');
    const s = new HostFdStream(fd);
    fs.writeSync(fd, 'A');
    expect(s.write(enc('B'), 0, 1)).toBe(1);
    fs.writeSync(fd, 'C');
    expect(s.write(enc('D'), 0, 1)).toBe(1);
    fs.writeSync(fd, 'E');
    expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('ABCDE');
  });

  test('a 1 MiB write completes', () => {
    const s = new HostFdStream(open(path.join(dir, 'f'), 'w'));
    const data = new Uint8Array(1 << 20).fill(0x41);
    expect(s.write(data, 0, data.length)).toBe(data.length);
    expect(fs.statSync(path.join(dir, 'f')).size).toBe(1 << 20);
  });

  test('stat fills the record from fstat', () => {
    fs.writeFileSync(path.join(dir, 'f'), 'hello');
    const s = new HostFdStream(open(path.join(dir, 'f'), 'r'));
    const st = newFileStat();
    expect(s.stat(st)).toBe(Errno.SUCCESS);
    const host = fs.statSync(path.join(dir, 'f'), { bigint: true });
    expect(st).toEqual({
      dev: host.dev, ino: host.ino, filetype: Filetype.REGULAR_FILE, nlink: 1n, size: 5n,
      atim: host.atimeNs, mtim: host.mtimeNs, ctim: host.ctimeNs,
    });
  });

  test('readable() on a file is the bytes left, READABLE_EOF at the end', () => {
    fs.writeFileSync(path.join(dir, 'f'), 'hello');
    const s = new HostFdStream(open(path.join(dir, 'f'), 'r'));
    expect(s.readable()).toBe(5);
    expect(s.read(new Uint8Array(2), 0, 2)).toBe(2);
    expect(s.readable()).toBe(3);
    expect(readAll(s)).toBe('llo');
    expect(s.readable()).toBe(READABLE_EOF);
  });

  test('close() does not close the host fd', () => {
    const fd = open(path.join(dir, 'f'), 'w');
    const s = new HostFdStream(fd);
    s.close();
    expect(() => fs.fstatSync(fd)).not.toThrow();
    fs.writeSync(fd, 'still open');
    expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('still open');
  });

  test('a read-only fd refuses writes with EBADF, not an exception', () => {
    fs.writeFileSync(path.join(dir, 'f'), 'x');
    const s = new HostFdStream(open(path.join(dir, 'f'), 'r'));
    expect(s.write(enc('y'), 0, 1)).toBe(-Errno.BADF);
  });
});

describe('HostFdStream on other kinds of fd', () => {
  test('a directory is DIRECTORY and reading it gives EISDIR', () => {
    const s = new HostFdStream(open(dir, 'r'));
    expect(s.filetype).toBe(Filetype.DIRECTORY);
    expect(s.read(new Uint8Array(4), 0, 4)).toBe(-Errno.ISDIR);
  });

  test('a closed fd is UNKNOWN and every call gives EBADF', () => {
    const fd = fs.openSync(path.join(dir, 'f'), 'w');
    fs.closeSync(fd);
    const s = new HostFdStream(fd);
    expect(s.filetype).toBe(Filetype.UNKNOWN);
    expect(s.read(new Uint8Array(4), 0, 4)).toBe(-Errno.BADF);
    expect(s.write(enc('x'), 0, 1)).toBe(-Errno.BADF);
    expect(s.stat(newFileStat())).toBe(Errno.BADF);
  });

  test('a closed fd gives EBADF even when read is the first call', () => {
    const s = new HostFdStream(1 << 20);
    expect(s.read(new Uint8Array(4), 0, 4)).toBe(-Errno.BADF);
  });
});

describe('HostFdStream on a pipe (FIFO)', () => {
  test('is UNKNOWN and round-trips bytes', () => {
    // O_RDWR on a FIFO (Linux) opens without waiting for a peer and holds both ends.
    const s = new HostFdStream(open(mkfifo('p'), fs.constants.O_RDWR));
    expect(s.filetype).toBe(Filetype.UNKNOWN);
    expect(s.write(enc('abc'), 0, 3)).toBe(3);
    const buf = new Uint8Array(8);
    expect(s.read(buf, 0, 8)).toBe(3);
    expect(dec(buf.subarray(0, 3))).toBe('abc');
  });

  test('reads data then EOF once the writer closes', async () => {
    const fifo = mkfifo('p');
    const child = spawn('sh', ['-c', 'printf "from child" > "$1"', 'sh', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const done = output(child);
    const s = new HostFdStream(open(fifo, 'r')); // blocks until the child opens its end
    expect(readAll(s)).toBe('from child');
    expect(s.read(new Uint8Array(4), 0, 4)).toBe(0);
    await done;
  });

  test('a blocking read waits out EAGAIN on a non-blocking fd', async () => {
    const fifo = mkfifo('p');
    const s = new HostFdStream(open(fifo, fs.constants.O_RDWR | fs.constants.O_NONBLOCK));
    const child = spawn('sh', ['-c', 'sleep 0.5; printf late > "$1"', 'sh', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const done = output(child);
    const waits = jest.spyOn(RetryBackoff.prototype, 'wait');
    const cpuBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    const buf = new Uint8Array(8);
    expect(s.read(buf, 0, 8)).toBe(4);
    expect(dec(buf.subarray(0, 4))).toBe('late');
    const cpu = process.cpuUsage(cpuBefore);
    const wallUs = Number(process.hrtime.bigint() - started) / 1000;
    // Waited ~500 ms: a spin would cost about all of it; the process's other threads (GC, jest) some of it.
    expect(cpu.user + cpu.system).toBeLessThan(wallUs / 2);
    expect(waits).toHaveBeenCalled();
    waits.mockRestore();
    await done;
  });

  test('readiness of a non-blocking pipe: 0 while empty, read-ahead kept in order, EOF ready', async () => {
    const fifo = mkfifo('p');
    const rfd = open(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const s = new HostFdStream(rfd);
    const wfd = fs.openSync(fifo, 'w');
    expect(s.readable()).toBe(0);
    const t0 = process.hrtime.bigint();
    expect(s.waitReadable(30_000_000n)).toBe(0); // times out after ~30 ms, sleeping
    expect(process.hrtime.bigint() - t0 >= 30_000_000n).toBe(true);
    fs.writeSync(wfd, 'abc');
    expect(s.readable()).toBe(3);
    fs.writeSync(wfd, 'def');
    const buf = new Uint8Array(8);
    expect(s.read(buf, 0, 2)).toBe(2); // from the read-ahead first
    expect(s.read(buf, 2, 6)).toBe(1);
    expect(s.read(buf, 3, 5)).toBe(3);
    expect(dec(buf.subarray(0, 6))).toBe('abcdef');
    const child = spawn('sh', ['-c', 'sleep 0.05; printf x > "$1"', 'sh', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const done = output(child);
    expect(s.waitReadable(-1n)).toBe(1); // waits for the child's byte
    await done;
    fs.closeSync(wfd);
    expect(s.read(buf, 0, 8)).toBe(1);
    expect(s.readable()).toBe(READABLE_EOF); // all writers gone: end of input, ready
    expect(s.read(buf, 0, 8)).toBe(0);
  });

  test('a blocking pipe cannot be probed: unknown (-1), reported ready', () => {
    const s = new HostFdStream(open(mkfifo('p'), fs.constants.O_RDWR));
    expect(s.readable()).toBe(-1);
  });

  test('a 1 MiB write to a non-blocking pipe completes', async () => {
    const fifo = mkfifo('p');
    const child = spawn('sh', ['-c', 'wc -c < "$1"', 'sh', fifo], { stdio: ['ignore', 'pipe', 'inherit'] });
    const counted = output(child);
    // Non-blocking write-only open fails with ENXIO until the reader has opened its end.
    let fd = -1;
    for (let tries = 0; fd < 0; tries++) {
      try {
        fd = fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENXIO' || tries > 500) throw err;
        sleepMs(10);
      }
    }
    const s = new HostFdStream(fd);
    const waits = jest.spyOn(RetryBackoff.prototype, 'wait');
    const data = new Uint8Array(1 << 20).fill(0x42);
    expect(s.write(data, 0, data.length)).toBe(data.length);
    expect(waits).toHaveBeenCalled(); // the 64 KiB pipe buffer filled up: EAGAIN was met and waited out
    waits.mockRestore();
    fs.closeSync(fd);
    expect(Number((await counted).trim())).toBe(1 << 20);
  });
});

describe('hostStdio', () => {
  test('defaults to the host fds 0, 1, 2', () => {
    const stdio = hostStdio();
    expect([stdio.stdin, stdio.stdout, stdio.stderr].map((s) => (s as HostFdStream).fd)).toEqual([0, 1, 2]);
  });

  test('takes other host fds', () => {
    const fd = open(path.join(dir, 'out'), 'w');
    const stdio = hostStdio(fd, fd, fd);
    expect(stdio.stdout.write(enc('out'), 0, 3)).toBe(3);
    expect(stdio.stderr.write(enc('err'), 0, 3)).toBe(3);
    expect(fs.readFileSync(path.join(dir, 'out'), 'utf8')).toBe('outerr');
  });
});
