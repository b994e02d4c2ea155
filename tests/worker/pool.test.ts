/**
 * Many sandboxes over a fixed set of workers: each run has its own world and limits; a run stopped by its
 * deadline costs its worker (replaced), a memory-cap stop does not; runs after a stop are unaffected.
 */
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
