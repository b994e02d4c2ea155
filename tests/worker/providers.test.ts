/**
 * What the guest sees in a worker comes from the host's providers: a fake clock and a seeded random source
 * served from this thread make the same bytes as on-thread; a trap reports its message and wasm stack; an
 * asynchronous stream and clock (answering with promises) are served like synchronous ones.
 */
import { readFileSync } from 'node:fs';
import { FakeClock, SystemClock } from '@vos/clock';
import { SeededRandom } from '@vos/random';
import { BufferSource, CollectorSink, NullStream } from '@vos/stdio';
import { Errno, OpenFlags, type AsyncStream, type FileStat, type FsHandle, type Ref } from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';
import { runInWorker, SandboxPool } from '@vos/worker';
import { runWith } from '../helpers/run-with-providers';
import { golden, wasmPath } from '../helpers/run-wasi';

test('a fake clock and a seeded random source served to the worker give the on-thread bytes', async () => {
  const onThread = new CollectorSink();
  await runWith('deterministic', {
    clock: new FakeClock({ start: '2000-01-01T00:00:00Z' }), random: new SeededRandom(7n),
    stdio: { stdin: new NullStream(), stdout: onThread, stderr: onThread },
  });
  const offThread = new CollectorSink();
  const clock = new FakeClock({ start: '2000-01-01T00:00:00Z' });
  const result = await runInWorker(readFileSync(wasmPath('deterministic')), {
    args: ['deterministic'], clock, random: new SeededRandom(7n), stdin: 'null', stdout: offThread, stderr: offThread,
  });
  expect(result).toMatchObject({ status: 'exited', code: 0 });
  expect(offThread.text()).toBe(onThread.text());
  expect(offThread.text()).toContain('realtime after 1.5 s: 946684801500000000\n');
  // The guest's sleeps advanced the host's clock object itself.
  expect(clock.now(1)).toBeGreaterThan(0n);
});

test('a trap reports the message and the wasm stack', async () => {
  const result = await runInWorker(readFileSync(`${__dirname}/../cli/fixtures/trap.wasm`), { stdout: 'null' });
  expect(result.status).toBe('trapped');
  const r = result as { message: string; stack: string };
  expect(r.message).toBe('unreachable');
  expect(r.stack).toMatch(/wasm:\/\/|wasm-function/);
});

test('an asynchronous stdout (every write answered by a promise) gets every byte in order', async () => {
  const chunks: string[] = [];
  const stdout: AsyncStream = {
    filetype: 0,
    read: () => -Errno.BADF,
    write: (buf, off, len) => {
      const text = new TextDecoder().decode(buf.slice(off, off + len));
      return new Promise((resolve) => setTimeout(() => {
        chunks.push(text);
        resolve(len);
      }, 1));
    },
    stat: (out: FileStat) => {
      out.filetype = 0;
      return Errno.SUCCESS;
    },
  };
  const result = await runInWorker(readFileSync(wasmPath('args')), { args: ['args', 'x'], stdout });
  expect(result).toMatchObject({ status: 'exited', code: 0 });
  expect(chunks.join('')).toContain('argv[1] (1 bytes): "x"');
});

test('the host streams are closed once when the guest ends, with no round-trip of their own', async () => {
  const closes: string[] = [];
  const stdout = new CollectorSink();
  stdout.close = (): void => {
    closes.push('stdout');
  };
  // An asynchronous close is awaited before the call that carried it is answered.
  const stderr: AsyncStream = {
    filetype: 0,
    read: () => -Errno.BADF,
    write: (_buf, _off, len) => len,
    stat: (out: FileStat) => {
      out.filetype = 0;
      return Errno.SUCCESS;
    },
    close: () => new Promise<void>((resolve) => setTimeout(() => {
      closes.push('stderr');
      resolve();
    }, 5)),
  };
  const result = await runInWorker(readFileSync(`${__dirname}/../../bench/wasm/bin/hello.wasm`), { args: ['hello'], stdin: 'null', stdout, stderr });
  expect(result).toMatchObject({ status: 'exited', code: 0 });
  expect(stdout.text()).toBe('hello, world\n');
  expect(closes.sort()).toEqual(['stderr', 'stdout']);
  // No round-trip at all: the write to the collector is posted (it cannot fail), and the closes of fd 0, 1 and 2
  // come back with the report for the host to do.
  expect(result.calls).toBe(0);
});

test('a pooled run closes the host streams too, and its write costs no round-trip', async () => {
  const pool = new SandboxPool({ workers: 1 });
  try {
    for (let i = 0; i < 2; i++) {
      let closed = 0;
      const stdout = new CollectorSink();
      stdout.close = (): void => {
        closed++;
      };
      const result = await pool.run(readFileSync(`${__dirname}/../../bench/wasm/bin/hello.wasm`), { args: ['hello'], stdin: 'null', stdout, stderr: 'null' });
      expect(result).toMatchObject({ status: 'exited', code: 0, calls: 0 });
      expect(stdout.text()).toBe('hello, world\n');
      expect(closed).toBe(1);
    }
  } finally {
    await pool.close();
  }
});

test('the host opens the roots before the run, and a small file read in 4 KiB reads reaches the backend once', async () => {
  const mem = new MemoryFileSystem({ clock: new SystemClock() });
  const ref: Ref<FsHandle | null> = { value: null };
  expect(mem.openRoot(ref)).toBe(Errno.SUCCESS);
  const root = ref.value as FsHandle;
  expect(mem.mkdirAt(root, 'd')).toBe(Errno.SUCCESS);
  expect(mem.openAt(root, 'd', OpenFlags.READ | OpenFlags.DIRECTORY, ref)).toBe(Errno.SUCCESS);
  const d = ref.value as FsHandle;
  expect(mem.openAt(d, 'f', OpenFlags.WRITE | OpenFlags.CREATE, ref)).toBe(Errno.SUCCESS);
  const bytes = Uint8Array.from({ length: 10_000 }, (_, i) => i & 0xff);
  expect(mem.write(ref.value as FsHandle, bytes, 0, bytes.length, 0)).toBe(bytes.length);
  mem.close(ref.value as FsHandle);
  mem.close(d);
  mem.close(root);
  // Counts what reaches the backend on this thread.
  const counts: Record<string, number> = { openRoot: 0, revalidate: 0, read: 0 };
  const counted: Record<string, unknown> = { capabilities: mem.capabilities };
  const methods = mem as unknown as Record<string, (...a: unknown[]) => unknown>;
  for (const name of Object.getOwnPropertyNames(MemoryFileSystem.prototype)) {
    if (name === 'constructor' || typeof methods[name] !== 'function') continue;
    counted[name] = (...a: unknown[]): unknown => {
      if (name in counts) counts[name]++;
      return methods[name](...a);
    };
  }
  const stdout = new CollectorSink();
  const result = await runInWorker(readFileSync(wasmPath('tree_sum')), {
    args: ['tree_sum', '/data'], preopens: { '/data': counted as unknown as MemoryFileSystem }, stdin: 'null', stdout, stderr: 'null',
  });
  expect(result).toMatchObject({ status: 'exited', code: 0 });
  expect(stdout.text()).toContain('/data/d/f 10000 bytes, read 10000, fnv ');
  // One root, opened by the host before the guest started; a root is never revalidated through the channel.
  expect(counts.openRoot).toBe(1);
  expect(counts.revalidate).toBe(0);
  // Three 4 KiB reads and the read that finds the end: one fetch (64 KiB ahead, short at the end of the file).
  expect(counts.read).toBe(1);
});

test('posted writes keep their order with the calls around them', async () => {
  // stdout is a collector (its writes are posted, no round-trip); stderr is a stream whose write may fail (an
  // ordinary call). When stderr is written, stdout must hold everything the guest wrote to it before.
  const stdout = new CollectorSink();
  let stdoutWhenStderrWritten = '';
  const stderr: AsyncStream = {
    filetype: 0,
    read: () => -Errno.BADF,
    write: (_buf, _off, len) => {
      stdoutWhenStderrWritten = stdout.text();
      return len;
    },
    stat: (out: FileStat) => {
      out.filetype = 0;
      return Errno.SUCCESS;
    },
  };
  const result = await runInWorker(readFileSync(wasmPath('stdio')), {
    args: ['stdio'], stdin: new BufferSource('line one\nline two\n'), stdout, stderr,
  });
  expect(result).toMatchObject({ status: 'exited', code: 0 });
  expect(stdout.text()).toBe(golden('stdio'));
  const flushedBefore = golden('stdio').split('write stderr: ')[0];
  expect(flushedBefore).toContain('isatty stdout: ENOTTY\n');
  expect(stdoutWhenStderrWritten).toBe(flushedBefore);
});
