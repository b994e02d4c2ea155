/**
 * Limits of a run in a worker: a guest that never makes another syscall, one that grows memory without end,
 * one that mallocs without end, one asleep in poll_oneoff, and one aborted are each stopped, the result names
 * the limit, the host thread stays free meanwhile, and the host's providers keep their data and get every
 * handle back. Margins are generous (the machine is shared); exact times belong to the bench.
 */
import { readFileSync } from 'node:fs';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CollectorSink } from '@vos/stdio';
import { Errno, type AsyncStream, type FileStat } from '@vos/core';
import { capModuleMemory, MemoryCapError, runInWorker } from '@vos/worker';
import { wasmPath } from '../helpers/run-wasi';

const bytes = (name: string): Uint8Array => readFileSync(wasmPath(name));
/** Generous bound on how long stopping may take past the limit (CI is loaded). */
const MARGIN_MS = 10_000;

function elapsedSince(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

test('a busy loop with no syscalls is stopped at the deadline, and the host thread stays free meanwhile', async () => {
  const out = new CollectorSink();
  const t0 = process.hrtime.bigint();
  const run = runInWorker(bytes('spin_forever'), { stdout: out, timeout: 1000 });
  // The host thread runs timers while the guest spins: this one fires long before the deadline.
  const first = await Promise.race([run.then(() => 'run'), new Promise((r) => setTimeout(() => r('host timer'), 10))]);
  expect(first).toBe('host timer');
  const result = await run;
  expect(result).toMatchObject({ status: 'stopped', limit: 'timeout' });
  expect((result as { message: string }).message).toMatch(/timeout/);
  expect(elapsedSince(t0)).toBeLessThan(1000 + MARGIN_MS);
  // What it wrote before the deadline was delivered as it was written.
  expect(out.text()).toBe('spinning\n');
});

test('a line posted right after a call reaches the host while the guest still runs (the host was polling)', async () => {
  // The host polls the state word for a while after each answer (forced on here, 1 ms); the guest's post lands in
  // that poll, whose notify nobody waits for. The host must still take it then, not when the run ends: this test
  // stops the guest only once the line has arrived, so a line held back until the end shows as a timeout.
  const out = new CollectorSink();
  const ac = new AbortController();
  const watch = setInterval(() => {
    if (out.text() === 'spinning\n') ac.abort();
  }, 5);
  try {
    const result = await runInWorker(bytes('call_then_spin'), {
      preopens: { '/sandbox': new MemoryFileSystem({ clock: new SystemClock() }) },
      stdout: out, signal: ac.signal, timeout: MARGIN_MS, serverSpinMs: 1, clientSpinMs: 1,
    });
    expect(result).toMatchObject({ status: 'stopped', limit: 'aborted' });
    expect(result.calls).toBeGreaterThanOrEqual(16);
  } finally {
    clearInterval(watch);
  }
});

/** A stdout whose writes may fail (so each is a round-trip, not posted): it swallows them. */
const callStdout = (): AsyncStream => ({
  filetype: 0,
  read: () => -Errno.BADF,
  write: (_buf, _off, len) => len,
  stat: (out: FileStat) => {
    out.filetype = 0;
    return Errno.SUCCESS;
  },
});

test('a guest making syscalls without end is stopped at the deadline: a polling host still runs its timers', async () => {
  // Every fd_write is a round-trip; with polling forced on (a one-core machine would not poll), the host thread
  // answers the next call while it polls and must still let the event loop turn for the deadline and timers.
  let ticks = 0;
  const tick = setInterval(() => ticks++, 10);
  try {
    const t0 = process.hrtime.bigint();
    const result = await runInWorker(bytes('syscall_forever'), { stdout: callStdout(), timeout: 500, clientSpinMs: 0.05, serverSpinMs: 0.05 });
    expect(result).toMatchObject({ status: 'stopped', limit: 'timeout' });
    expect(elapsedSince(t0)).toBeLessThan(500 + MARGIN_MS);
    expect(result.calls).toBeGreaterThan(0);
  } finally {
    clearInterval(tick);
  }
  expect(ticks).toBeGreaterThan(0);
});

test('a guest posting writes without end (to a null stdout: no round-trips) is stopped at the deadline, timers run', async () => {
  let ticks = 0;
  const tick = setInterval(() => ticks++, 10);
  try {
    const t0 = process.hrtime.bigint();
    const result = await runInWorker(bytes('syscall_forever'), { stdout: 'null', timeout: 500 });
    expect(result).toMatchObject({ status: 'stopped', limit: 'timeout' });
    expect(elapsedSince(t0)).toBeLessThan(500 + MARGIN_MS);
  } finally {
    clearInterval(tick);
  }
  expect(ticks).toBeGreaterThan(0);
});

test('a guest asleep in poll_oneoff is stopped at the deadline', async () => {
  const t0 = process.hrtime.bigint();
  const result = await runInWorker(bytes('sleep_hour'), { stdout: new CollectorSink(), timeout: 500 });
  expect(result).toMatchObject({ status: 'stopped', limit: 'timeout' });
  expect(elapsedSince(t0)).toBeLessThan(500 + MARGIN_MS);
});

test('memory.grow past the cap stops the guest and reports the memory limit', async () => {
  const out = new CollectorSink();
  const result = await runInWorker(bytes('grow_forever'), { stdout: out, maxMemory: 64 * 1024 * 1024 });
  expect(result).toMatchObject({ status: 'stopped', limit: 'memory' });
  expect((result as { message: string }).message).toMatch(/67108864 bytes/);
});

test('a C program leaking malloc blocks is stopped at the cap (a deadline does not fire first)', async () => {
  const result = await runInWorker(bytes('malloc_forever'), { stdout: new CollectorSink(), maxMemory: 32 * 1024 * 1024, timeout: 60_000 });
  expect(result).toMatchObject({ status: 'stopped', limit: 'memory' });
});

test('a module whose initial memory is above the cap does not start', async () => {
  const out = new CollectorSink();
  const result = await runInWorker(bytes('spin_forever'), { stdout: out, maxMemory: 1000 });
  expect(result).toMatchObject({ status: 'stopped', limit: 'memory' });
  expect(out.text()).toBe('');
  expect(() => capModuleMemory(bytes('spin_forever'), 1000)).toThrow(MemoryCapError);
});

test('a program under the cap runs as usual', async () => {
  const out = new CollectorSink();
  const result = await runInWorker(bytes('memory_grow'), {
    args: ['memory_grow'], preopens: { '/sandbox': new MemoryFileSystem({ clock: new SystemClock() }) }, stdout: out, maxMemory: 16 * 1024 * 1024,
  });
  expect(result).toMatchObject({ status: 'exited', code: 0 });
  expect(out.text()).toBe(readFileSync(`${__dirname}/../wasm/expected/memory_grow.stdout`, 'utf8'));
});

test('an aborted run is stopped and reports it; an already aborted signal never starts the guest', async () => {
  const ac = new AbortController();
  const out = new CollectorSink();
  const run = runInWorker(bytes('spin_forever'), { stdout: out, signal: ac.signal });
  // Abort once the guest has shown it is running (its first line was served on this thread).
  while (out.text() === '') await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  expect(await run).toMatchObject({ status: 'stopped', limit: 'aborted' });
  const before = new CollectorSink();
  expect(await runInWorker(bytes('spin_forever'), { stdout: before, signal: ac.signal })).toMatchObject({ status: 'stopped', limit: 'aborted' });
  expect(before.text()).toBe('');
});

test('a stopped guest leaves the host filesystem intact and holds no handle on it', async () => {
  const fs = new MemoryFileSystem({ clock: new SystemClock() });
  // Seed the host's filesystem, then run a guest that writes into it and is stopped while still running.
  const seeded = await runInWorker(bytes('fd_file'), { args: ['fd_file'], preopens: { '/sandbox': fs }, stdout: new CollectorSink() });
  expect(seeded).toMatchObject({ status: 'exited', code: 0 });
  const snapshot = JSON.stringify(fs.toObject());
  const result = await runInWorker(bytes('spin_forever'), { preopens: { '/sandbox': fs }, stdout: new CollectorSink(), timeout: 300 });
  expect(result).toMatchObject({ status: 'stopped', limit: 'timeout' });
  expect(JSON.stringify(fs.toObject())).toBe(snapshot);
});

test('the channel server closes every handle a stopped guest still held', async () => {
  const fs = new MemoryFileSystem({ clock: new SystemClock() });
  const closed: unknown[] = [];
  let opened = 0;
  // Stopped once both roots are open (not at a fixed deadline, which a slow worker start on a loaded machine can
  // beat before the guest has opened anything).
  const ac = new AbortController();
  const counting = new Proxy(fs, {
    get(target, prop, receiver) {
      if (prop === 'close') return (h: object) => { closed.push(h); target.close(h); };
      if (prop === 'openRoot') {
        return (out: Parameters<MemoryFileSystem['openRoot']>[0]) => {
          const e = target.openRoot(out);
          if (++opened === 2) setTimeout(() => ac.abort(), 20);
          return e;
        };
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const result = await runInWorker(bytes('spin_forever'), { preopens: { '/a': counting, '/b': counting }, stdout: new CollectorSink(), signal: ac.signal, timeout: 60_000 });
  expect(result).toMatchObject({ status: 'stopped', limit: 'aborted' });
  // Two preopen roots were opened for the guest and closed when it was stopped.
  expect(opened).toBe(2);
  expect(closed.length).toBe(2);
});
