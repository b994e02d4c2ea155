/**
 * Two paths, one behaviour: the host-filesystem suites (fs-node's unit and containment tests, the whole-stack containment, fuzz,
 * wasmtime-parity, bad-input and vectored-I/O suites, the behaviour suite,
 * the overlay, read-only and faulty layers over host directories, the wasm goldens on host directories, and `--trace-summary`'s report of the path) run again with @vos/fs-node's native
 * accelerator forced (VOS_FS_NODE_NATIVE=1). They run in a child jest so that nothing native is loaded into the
 * jest worker that runs vos's own tests; this process runs the same files on the pure-JavaScript path.
 *
 * Where the addon is not built (no compiler, another OS) the run is skipped with the reason, except under CI
 * (CI=true), where a missing accelerator is a failure: CI must test both paths.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const repo = join(__dirname, '..', '..');
const addon = join(repo, 'packages', 'fs-node', 'build', 'Release', 'vos_fs.node');
const SUITES = [
  'packages/fs-node/',
  'tests/core/containment',
  'tests/core/open-fast-path',
  'tests/core/fuzz',
  'tests/core/wasmtime-parity',
  'tests/core/bad-input',
  'tests/core/vectored-io',
  'tests/fs-behaviour/node',
  'tests/fs-behaviour/overlay',
  'tests/fs-behaviour/readonly',
  'tests/fs-behaviour/faulty',
  'tests/programs/golden',
  'tests/programs/backends',
  'tests/cli/trace',
];

const available = process.platform === 'linux' && existsSync(addon);
const required = process.env.CI === 'true' || process.env.CI === '1';

(available || required ? test : test.skip)(
  'the host-filesystem suites pass on the native path (child jest, VOS_FS_NODE_NATIVE=1)',
  () => {
    expect({ addonBuilt: existsSync(addon) }).toEqual({ addonBuilt: true });
    const r = spawnSync(
      process.execPath,
      [join(repo, 'node_modules', 'jest', 'bin', 'jest.js'), '--ci', '--colors=false', ...SUITES, '--testPathIgnorePatterns=/tests/native/'],
      { cwd: repo, env: { ...process.env, VOS_FS_NODE_NATIVE: '1' }, encoding: 'utf8', timeout: 540_000, maxBuffer: 64 * 1024 * 1024 },
    );
    const output = `${r.stdout}${r.stderr}`;
    const failures = output.split('\n').filter((l) => /● (?!Console)|^FAIL/.test(l));
    expect({ status: r.status, signal: r.signal, failures }).toEqual({ status: 0, signal: null, failures: [] });
    // The child really ran the native path: its own native-only tests ran and passed.
    expect(output).toMatch(/PASS packages\/fs-node\/src\/native\.test\.ts/);
  },
  600_000,
);

if (!available && !required) {
  test('native path skipped: the addon is not built here (npm ci builds it where a compiler exists)', () => {
    expect(available).toBe(false);
  });
}
