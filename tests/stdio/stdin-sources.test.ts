/**
 * stdin from each kind of source and stdout to each kind of sink, through C programs that read until EOF
 * (stdin_until_eof: 7-byte reads) and that poll stdin before each read (poll_stdin).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { FakeClock } from '@vos/clock';
import { CollectorSink, HostFdStream, createStdio, createStdioAsync } from '@vos/stdio';
import type { Stdio } from '@vos/core';
import { runWith } from '../helpers/run-with-providers';

/** Every byte value, several times, with invalid UTF-8 in it: output must come back bit for bit. */
const BINARY = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));
const TEXT = 'héllo wörld ✓ 🎉\nsecond line\n';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-stdio-wasm-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function copy(stdio: Stdio): Promise<number> {
  return (await runWith('stdin_until_eof', { stdio, clock: new FakeClock() })).exitCode;
}

describe('stdin_until_eof: every stdin source', () => {
  test.each([
    ['a string (UTF-8)', TEXT, Buffer.from(TEXT)],
    ['a Buffer', BINARY, BINARY],
    ['a Uint8Array', new Uint8Array(BINARY), BINARY],
    ['an empty string', '', Buffer.alloc(0)],
  ])('%s', async (_name, stdin, expected) => {
    const out = new CollectorSink();
    const err = new CollectorSink();
    expect(await copy(createStdio({ stdin, stdout: out, stderr: err }))).toBe(0);
    expect(Buffer.from(out.bytes()).equals(expected)).toBe(true);
    expect(err.text()).toBe(`${expected.length} bytes in ${Math.ceil(expected.length / 7)} reads, then EOF\n`);
  });

  test("'null'", async () => {
    const err = new CollectorSink();
    expect(await copy(createStdio({ stdin: 'null', stdout: 'null', stderr: err }))).toBe(0);
    expect(err.text()).toBe('0 bytes in 0 reads, then EOF\n');
  });

  test('a host fd on a file', async () => {
    fs.writeFileSync(path.join(dir, 'in'), BINARY);
    const fd = fs.openSync(path.join(dir, 'in'), 'r');
    const out = new CollectorSink();
    try {
      expect(await copy(createStdio({ stdin: fd, stdout: out, stderr: 'null' }))).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
    expect(Buffer.from(out.bytes()).equals(BINARY)).toBe(true);
  });

  test('a host pipe written by another process (partial reads, then EOF)', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn('sh', ['-c', 'yes abcdefghij | head -c 100000 > "$1"', 'sh', fifo], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const fd = fs.openSync(fifo, 'r'); // returns once the child has opened its end
    const out = new CollectorSink();
    try {
      expect(await copy(createStdio({ stdin: fd, stdout: out, stderr: 'null' }))).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
    await exited;
    expect(out.length).toBe(100_000);
    expect(out.text()).toBe('abcdefghij\n'.repeat(10_000).slice(0, 100_000));
  });

  test('a Node Readable, read to the end first by createStdioAsync', async () => {
    const out = new CollectorSink();
    const stdio = await createStdioAsync({ stdin: Readable.from([Buffer.from('one '), 'two ', new Uint8Array([0xe2, 0x9c])]), stdout: out, stderr: 'null' });
    expect(await copy(stdio)).toBe(0);
    expect(Buffer.from(out.bytes()).equals(Buffer.from([...Buffer.from('one two '), 0xe2, 0x9c]))).toBe(true);
  });
});

describe('stdin_until_eof: every stdout sink gets the bytes unchanged', () => {
  test('a callback receives copies whose concatenation is the output', async () => {
    const chunks: Uint8Array[] = [];
    expect(await copy(createStdio({ stdin: BINARY, stdout: (c) => chunks.push(c), stderr: 'null' }))).toBe(0);
    expect(Buffer.concat(chunks).equals(BINARY)).toBe(true);
  });

  test('a Writable receives every byte (nothing lost past its high-water mark)', async () => {
    const sink = new PassThrough({ highWaterMark: 16 });
    const stdio = createStdio({ stdin: BINARY, stdout: sink, stderr: 'null' });
    expect(await copy(stdio)).toBe(0);
    sink.end();
    const chunks: Buffer[] = [];
    for await (const c of sink) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(BINARY)).toBe(true);
  });

  test('a host fd on a file', async () => {
    const fd = fs.openSync(path.join(dir, 'out'), 'w');
    try {
      expect(await copy(createStdio({ stdin: BINARY, stdout: fd, stderr: 'null' }))).toBe(0);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(path.join(dir, 'out')).equals(BINARY)).toBe(true);
  });

  test("'null' swallows it", async () => {
    expect(await copy(createStdio({ stdin: BINARY, stdout: 'null', stderr: 'null' }))).toBe(0);
  });
});

describe('poll_stdin: polling stdin before each read', () => {
  const SCRIPTED = [
    'poll: stdin ready, error ok, nbytes 13',
    'data: "hello"',
    'poll: stdin ready, error ok, nbytes 8',
    'data: " worl"',
    'poll: stdin ready, error ok, nbytes 3',
    'data: "d!\n"',
    'poll: stdin ready, error ok, nbytes 0',
    'read: EOF',
    '',
  ].join('\n');

  async function pollRun(stdin: Stdio['stdin'] | string | number, clock = new FakeClock()): Promise<string> {
    const out = new CollectorSink();
    const { exitCode } = await runWith('poll_stdin', { stdio: createStdio({ stdin, stdout: out, stderr: 'null' }), clock });
    expect(exitCode).toBe(0);
    return out.text();
  }

  test('scripted content: ready with what is left, then ready at EOF; no virtual time passes', async () => {
    const clock = new FakeClock();
    expect(await pollRun('hello world!\n', clock)).toBe(SCRIPTED);
    expect(clock.monotonicNs).toBe(0n);
  });

  test('a host fd on a file gives the same transcript', async () => {
    fs.writeFileSync(path.join(dir, 'in'), 'hello world!\n');
    const fd = fs.openSync(path.join(dir, 'in'), 'r');
    try {
      expect(await pollRun(fd)).toBe(SCRIPTED);
    } finally {
      fs.closeSync(fd);
    }
  });

  test("'null' is ready at once, at EOF", async () => {
    expect(await pollRun('null')).toBe('poll: stdin ready, error ok, nbytes 0\nread: EOF\n');
  });

  test('a non-blocking host pipe: real readiness, waited for without spinning', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const rfd = fs.openSync(fifo, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const wfd = fs.openSync(fifo, 'w'); // held until the child has its end open, so the reader never sees EOF early
    const child = spawn('sh', ['-c', 'exec 3>"$1"; printf early >&3; sleep 0.2; printf late >&3', 'sh', fifo], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const stdin = new HostFdStream(rfd);
    try {
      for (let i = 0; i < 500 && stdin.readable() <= 0; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      fs.closeSync(wfd);
      const cpu = process.cpuUsage();
      const text = await pollRun(stdin, undefined);
      const used = process.cpuUsage(cpu);
      expect(text).toBe(
        [
          'poll: stdin ready, error ok, nbytes 5',
          'data: "early"',
          'poll: stdin ready, error ok, nbytes 4',
          'data: "late"',
          'poll: stdin ready, error ok, nbytes 0',
          'read: EOF',
          '',
        ].join('\n'),
      );
      expect(used.user + used.system).toBeLessThan(150_000); // ~200 ms of waiting, not spent spinning
    } finally {
      fs.closeSync(rfd);
      await exited;
    }
  });

  test('a blocking host pipe: reported ready (count unknown), the read blocks until data', async () => {
    const fifo = path.join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    const child = spawn('sh', ['-c', 'sleep 0.05; printf abcdefgh > "$1"', 'sh', fifo], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const fd = fs.openSync(fifo, 'r');
    try {
      const text = await pollRun(fd);
      expect(text.split('\n').filter((l) => l.startsWith('data') || l.startsWith('read'))).toEqual(['data: "abcde"', 'data: "fgh"', 'read: EOF']);
    } finally {
      fs.closeSync(fd);
      await exited;
    }
  });
});
