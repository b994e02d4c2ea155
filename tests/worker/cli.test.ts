/**
 * `vos run --timeout / --max-memory / --http-dir` and `vos manifest`, as a user runs them (a child process of the
 * built command): a distinct exit status and one line saying which limit stopped the guest; a tree served by a
 * local HTTP server (on this, the test's host, side) mounted and read.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, spawnVosAsync, type Result } from '../cli/helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStaticServer } = require('./fixtures/static-server.js');

let cli: string;
beforeAll(() => {
  cli = buildCli();
});

function vosAsync(argv: string[]): Promise<Result> {
  return spawnVosAsync(cli, argv);
}

test('--timeout stops a busy guest: exit 142 and one line naming the limit', async () => {
  const r = await vosAsync(['run', '--timeout', '500ms', 'tests/wasm/bin/spin_forever.wasm']);
  expect(r.code).toBe(142);
  expect(r.stdout).toBe('spinning\n');
  expect(r.stderr).toBe('vos: stopped: timeout: the guest ran longer than 500 ms\n');
});

test('--max-memory stops a guest at the growth past the cap: exit 137', async () => {
  const r = await vosAsync(['run', '--max-memory', '32MiB', 'tests/wasm/bin/malloc_forever.wasm']);
  expect(r.code).toBe(137);
  expect(r.stderr).toBe('vos: stopped: memory limit: the guest tried to grow its linear memory past 33554432 bytes\n');
});

test('a guest within its limits runs as usual, with its own exit code', async () => {
  const r = await vosAsync(['run', '--timeout', '60s', '--max-memory', '256MiB', 'tests/wasm/bin/exit_codes.wasm', 'exit3']);
  expect(r.code).toBe(3);
});

test('bad limits are usage errors naming the option', async () => {
  const r = await vosAsync(['run', '--timeout', 'soon', 'tests/wasm/bin/args.wasm']);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/option '--timeout soon'/);
  const m = await vosAsync(['run', '--max-memory', '12 parsecs', 'tests/wasm/bin/args.wasm']);
  expect(m.code).toBe(2);
  expect(m.stderr).toMatch(/option '--max-memory 12 parsecs'/);
});

test('vos manifest DIR, served by a static server, mounted with --http-dir and read by a guest', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vos-cli-http-'));
  const http = await startStaticServer(tmp);
  try {
    const tree = join(tmp, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'a.txt'), 'alpha\n');
    writeFileSync(join(tree, 'sub', 'b.txt'), 'beta\n');
    const manifest = await vosAsync(['manifest', tree]);
    expect(manifest.code).toBe(0);
    writeFileSync(join(tree, 'index.json'), manifest.stdout);
    const r = await vosAsync(['run', '--http-dir', `${http.url}/tree::/srv`, 'tests/wasm/bin/tree_sum.wasm', '/srv']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\/srv\/a\.txt 6 bytes, read 6, fnv [0-9a-f]{8}\n\/srv\/sub\/\n\/srv\/sub\/b\.txt 5 bytes, read 5, fnv [0-9a-f]{8}\n$/);
  } finally {
    await http.close();
    rmSync(tmp, { recursive: true, force: true });
  }
});
