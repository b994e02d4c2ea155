// The budgets off the host thread (issue 9): a guest run in a worker (`runInWorker`, a `SandboxPool`, and
// `vos run --timeout/--max-memory/--http-dir`, which take the worker path) is held to the same core budgets
// (`limits`, `--limit NAME=N`) as one run in-process; the worker's WasiCore enforces them.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CollectorSink } from '@vos/stdio';
import { runInWorker, SandboxPool, type RunOptions } from '@vos/worker';
import { buildCli, ROOT } from '../cli/helpers';

const GUEST = path.join(__dirname, 'bin/adversary.wasm');
const bytes = readFileSync(GUEST);

/** The guest's output lines over a fresh in-memory /w, run through `run` with `limits`. */
async function lines(
  run: (options: RunOptions) => Promise<unknown>, commands: string[], limits?: RunOptions['limits'],
): Promise<{ result: unknown; stdout: string[] }> {
  const stdout = new CollectorSink();
  const result = await run({
    args: ['adversary', 'cd=/w', ...commands],
    mounts: { '/w': new MemoryFileSystem({ clock: new SystemClock() }) },
    stdout,
    stderr: 'null',
    limits,
  });
  return { result, stdout: stdout.text().split('\n').filter((l) => l !== '' && !l.startsWith('cd: ')) };
}

describe('runInWorker', () => {
  const run = (o: RunOptions): Promise<unknown> => runInWorker(bytes, o);

  test('without limits a chain of 10 links is followed (the defaults: 40 links, 8,192 components)', async () => {
    const r = await lines(run, ['chain=10']);
    expect(r.result).toMatchObject({ status: 'exited', code: 0 });
    expect(r.stdout).toEqual(['open through 10 links: ok']);
  });

  test('limits.maxSymlinks and limits.maxPathComponents are enforced in the worker: ELOOP', async () => {
    expect((await lines(run, ['chain=10'], { maxSymlinks: 5 })).stdout).toEqual(['open through 10 links: ELOOP']);
    expect((await lines(run, ['chain=10'], { maxPathComponents: 5 })).stdout).toEqual(['open through 10 links: ELOOP']);
  });

  test('limits.maxFds is enforced in the worker: EMFILE', async () => {
    const r = await lines(run, ['fds'], { maxFds: 10 });
    expect(r.result).toMatchObject({ status: 'exited', code: 0 });
    expect(r.stdout).toEqual(['fds: EMFILE after few']);
  });

  test('a bad limit is refused on the host thread, naming the key', async () => {
    await expect(runInWorker(bytes, { limits: { maxSymlinks: 0 } })).rejects.toThrow(/limits\.maxSymlinks must be a positive integer/);
    await expect(runInWorker(bytes, { limits: { maxLinks: 3 } as never })).rejects.toThrow(/limits\.maxLinks is not a limit/);
  });
});

test('a SandboxPool run carries its limits to the pooled worker', async () => {
  const pool = new SandboxPool({ workers: 1 });
  try {
    const run = (o: RunOptions): Promise<unknown> => pool.run(bytes, o);
    expect((await lines(run, ['chain=10'], { maxSymlinks: 5 })).stdout).toEqual(['open through 10 links: ELOOP']);
    // The next run on the same worker has its own (default) budgets.
    expect((await lines(run, ['chain=10'])).stdout).toEqual(['open through 10 links: ok']);
  } finally {
    await pool.close();
  }
});

describe('vos run in a worker (--timeout)', () => {
  let cli: string;
  beforeAll(() => {
    cli = buildCli();
  }, 180_000);

  function vos(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync(process.execPath, [cli, 'run', '--timeout', '60s', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test.each([
    ['symlinks=5', 'ELOOP'],
    ['path-components=5', 'ELOOP'],
    ['symlinks=40', 'ok'],
  ])('--limit %s: %s', (limit, answer) => {
    const r = vos(['--limit', limit, GUEST, 'chain=10']);
    expect(r.stderr).toBe('');
    expect([r.code, r.stdout]).toEqual([0, `open through 10 links: ${answer}\n`]);
  });

  test('--limit fds=10, and the memory quota of the default root (--limit mem-inodes=100)', () => {
    expect(vos(['--limit', 'fds=10', GUEST, 'fds']).stdout).toBe('fds: EMFILE after few\n');
    const r = vos(['--limit', 'mem-inodes=100', '--max-memory', '256MiB', GUEST, 'inodes']);
    expect([r.code, r.stdout]).toEqual([0, 'inodes: ENOSPC\n']);
  });
});
