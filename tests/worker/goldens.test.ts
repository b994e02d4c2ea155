/**
 * The same wasm goldens as tests/programs, through the worker path: the guest in a worker thread, its world on
 * this thread behind the channel. Off-thread must give the same results as on-thread.
 */
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { OverlayFileSystem } from '@vos/fs-overlay';
import { createNodeFileSystem } from '@vos/fs-node';
import { golden, wasmPath } from '../helpers/run-wasi';
import { CASES } from '../programs/cases';
import { runCaseInWorker } from './run-in-worker';

describe('wasm goldens in a worker, host directory and host-fd stdio (as the CLI runs them)', () => {
  it.each(CASES.map((c) => [c.golden, c] as const))('%s', async (_name, c) => {
    const { result, stdout } = await runCaseInWorker(wasmPath(c.program), c.options ?? {}, { stdio: 'fds' });
    expect(result).toMatchObject({ status: 'exited', code: c.exitCode });
    expect(stdout).toBe(golden(c.golden));
  });
});

// stdio served from this thread (every write is a round-trip), /sandbox in memory or an overlay over the host.
const BACKENDS = {
  memory: () => new MemoryFileSystem({ clock: new SystemClock() }),
  'overlay memory over node': (sandbox: string) => new OverlayFileSystem(createNodeFileSystem(sandbox), new MemoryFileSystem({ clock: new SystemClock() })),
};

describe.each(Object.keys(BACKENDS) as (keyof typeof BACKENDS)[])('wasm goldens in a worker, /sandbox on %s, served stdio', (backend) => {
  // `raw_fd` closes and renumbers fds 0-2 itself: its golden is about host fds.
  const cases = CASES.filter((c) => c.program !== 'raw_fd');
  it.each(cases.map((c) => [c.golden, c] as const))('%s', async (_name, c) => {
    const { result, stdout } = await runCaseInWorker(wasmPath(c.program), c.options ?? {}, { stdio: 'served', sandboxFs: BACKENDS[backend] });
    expect(result).toMatchObject({ status: 'exited', code: c.exitCode });
    // Only host directories refuse guest symlinks that point outside them; /sandbox here is in memory.
    expect(stdout).toBe(golden(c.golden === 'symlinks.fs-node' ? 'symlinks' : c.golden));
  });
});
