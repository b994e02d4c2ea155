/**
 * The foundation's wasm programs against every backend and layer combination: the same goldens as on a host
 * directory, with the sandbox served from each combination through a mount namespace (every backend keeps ns
 * timestamps, host directories included, so there is one golden per program); a read-only backend runs the
 * programs that do not write to the sandbox.
 */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { createNodeFileSystem } from '@vos/fs-node';
import { FaultyFileSystem, OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import type { FileSystem } from '@vos/core';
import { golden, runProgram, wasmPath } from '../helpers/run-wasi';
import { CASES } from './cases';
import { SystemClock } from '@vos/clock';

const COMBINATIONS: Record<string, (sandbox: string) => FileSystem> = {
  memory: () => new MemoryFileSystem({ clock: new SystemClock() }),
  'overlay memory over node': (sandbox) => new OverlayFileSystem(createNodeFileSystem(sandbox), new MemoryFileSystem({ clock: new SystemClock() })),
  'overlay memory over memory': () => new OverlayFileSystem(new MemoryFileSystem({ clock: new SystemClock() }), new MemoryFileSystem({ clock: new SystemClock() })),
  'faulty (empty plan) over memory': () => new FaultyFileSystem(new MemoryFileSystem({ clock: new SystemClock() }), { rules: [] }),
  'read-only over memory': () => new ReadOnlyFileSystem(new MemoryFileSystem({ clock: new SystemClock() })),
  'read-only over node': (sandbox) => new ReadOnlyFileSystem(createNodeFileSystem(sandbox)),
};

/** Programs that never write to the sandbox (the ones a read-only backend can run unchanged). */
const READ_ONLY_SAFE = new Set(['args', 'environ', 'clock', 'random', 'exit_codes', 'bad_input', 'stdio']);

describe.each(Object.keys(COMBINATIONS))('wasm programs with /sandbox on %s', (combination) => {
  const make = COMBINATIONS[combination];
  const readOnly = make('/').capabilities.readOnly;
  const cases = CASES.filter((c) => !readOnly || READ_ONLY_SAFE.has(c.program));
  it.each(cases.map((c) => [c.golden, c] as const))('%s', async (_name, c) => {
    // Only host directories refuse outside symlinks; the backends here answer with wasmtime's golden.
    const goldenName = c.golden === 'symlinks.fs-node' ? 'symlinks' : c.golden;
    const result = await runProgram(WASI, wasmPath(c.program), { ...c.options, sandboxFs: make });
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe(golden(goldenName));
    expect(result.exitCode).toBe(c.exitCode);
  });
});
