/**
 * Many sandboxes over a fixed set of workers: each run has its own world and limits; a run stopped by its
 * deadline costs its worker (replaced), a memory-cap stop does not; runs after a stop are unaffected.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CollectorSink } from '@vos/stdio';
import { prepareModule, SandboxPool } from '@vos/worker';
import { golden, wasmPath } from '../helpers/run-wasi';

const pool = new SandboxPool({ workers: 2 });
afterAll(() => pool.close());

test('forty runs of one compiled module, each with its own argv and stdout, on two workers', async () => {
  const args = prepareModule(readFileSync(wasmPath('args')));
  const outs = Array.from({ length: 40 }, () => new CollectorSink());
  const results = await Promise.all(outs.map((stdout, i) => pool.run(args, { args: ['args', `run-${i}`], stdout })));
  for (let i = 0; i < 40; i++) {
    expect(results[i]).toMatchObject({ status: 'exited', code: 0 });
    expect(outs[i].text()).toContain(`"run-${i}"`);
  }
  expect(pool.threads).toBe(2);
});

test('per-run limits: a deadline and a memory cap stop their runs, and the runs next to them finish', async () => {
  const spin = prepareModule(readFileSync(wasmPath('spin_forever')));
  const grow = prepareModule(readFileSync(wasmPath('grow_forever')), 8 * 1024 * 1024);
  const fs = new MemoryFileSystem({ clock: new SystemClock() });
  const out = new CollectorSink();
  const [stopped, capped, normal] = await Promise.all([
    pool.run(spin, { stdout: new CollectorSink(), timeout: 500 }),
    pool.run(grow, { stdout: new CollectorSink(), maxMemory: 8 * 1024 * 1024 }),
    pool.run(readFileSync(wasmPath('fd_file')), { args: ['fd_file'], preopens: { '/sandbox': fs }, stdout: out, timeout: 60_000 }),
  ]);
  expect(stopped).toMatchObject({ status: 'stopped', limit: 'timeout' });
  expect(capped).toMatchObject({ status: 'stopped', limit: 'memory' });
  expect(normal).toMatchObject({ status: 'exited', code: 0 });
  expect(out.text()).toBe(golden('fd_file'));
  // The host's filesystem is the one the guest wrote.
  expect(Object.keys(fs.toObject()).length).toBeGreaterThan(0);
  const after = new CollectorSink();
  expect(await pool.run(readFileSync(wasmPath('args')), { args: ['args'], stdout: after })).toMatchObject({ status: 'exited', code: 0 });
  expect(pool.threads).toBe(2);
});

test('an aborted pooled run reports it', async () => {
  const ac = new AbortController();
  const out = new CollectorSink();
  const run = pool.run(readFileSync(wasmPath('spin_forever')), { stdout: out, signal: ac.signal });
  while (out.text() === '') await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  expect(await run).toMatchObject({ status: 'stopped', limit: 'aborted' });
});

describe('sessions and the run queue', () => {
  test('a run beyond maxQueue is refused; the queued one runs on a fresh session after an abort, and close() ends it', async () => {
    const small = new SandboxPool({ workers: 1, maxQueue: 1 });
    const spin = prepareModule(readFileSync(wasmPath('spin_forever')));
    const ac = new AbortController();
    const out = new CollectorSink();
    const running = small.run(spin, { stdout: out, signal: ac.signal });
    while (out.text() === '') await new Promise((r) => setTimeout(r, 5));
    const queued = small.run(spin, { stdout: new CollectorSink() });
    await expect(small.run(spin, { stdout: new CollectorSink() })).rejects.toThrow(/maxQueue/);
    ac.abort();
    expect(await running).toMatchObject({ status: 'stopped', limit: 'aborted' });
    // The queued run got a fresh session on the replaced thread (it spins there); closing the pool ends it.
    const closing = small.close();
    await expect(queued).rejects.toThrow();
    await closing;
  });

  test('maxQueue 0: no run waits, and a run right after a deadline stop gets the replaced thread', async () => {
    const strict = new SandboxPool({ workers: 1, maxQueue: 0 });
    try {
      const spin = strict.run(readFileSync(wasmPath('spin_forever')), { stdout: new CollectorSink(), timeout: 300 });
      await expect(strict.run(readFileSync(wasmPath('args')), { args: ['args'], stdout: new CollectorSink() })).rejects.toThrow(/maxQueue/);
      expect(await spin).toMatchObject({ status: 'stopped', limit: 'timeout' });
      const out = new CollectorSink();
      expect(await strict.run(readFileSync(wasmPath('args')), { args: ['args', 'after'], stdout: out })).toMatchObject({ status: 'exited', code: 0 });
      expect(out.text()).toContain('"after"');
    } finally {
      await strict.close();
    }
  });

  test('a run with its own channel size is served too (one task of its own)', async () => {
    const out = new CollectorSink();
    const r = await pool.run(readFileSync(wasmPath('args')), { args: ['args', 'sized'], stdout: out, channelBytes: 8192 });
    expect(r).toMatchObject({ status: 'exited', code: 0 });
    expect(out.text()).toContain('"sized"');
  });

  test('an idle pool that is never closed does not keep its process alive', () => {
    const script = `
      const { SandboxPool } = require('@vos/worker');
      const { CollectorSink } = require('@vos/stdio');
      const pool = new SandboxPool({ workers: 2 });
      const out = new CollectorSink();
      pool.run(require('fs').readFileSync(${JSON.stringify(wasmPath('args'))}), { args: ['args', 'x'], stdout: out })
        .then((r) => process.stdout.write(r.status + ' ' + out.text().includes('"x"')));`;
    const r = spawnSync(process.execPath, ['-e', script], { cwd: `${__dirname}/../..`, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal).toBeNull();
    expect(r.stdout).toBe('exited true');
    expect(r.status).toBe(0);
  });
});
