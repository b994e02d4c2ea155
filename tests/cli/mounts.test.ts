// `vos run` filesystem options: --dir, --ro-dir, --mem-dir, --overlay with --diff, nesting into the default root.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vos, VOSTEST } from './helpers';

let host: string;
beforeEach(() => {
  host = mkdtempSync(join(tmpdir(), 'vos-cli-mounts-'));
  writeFileSync(join(host, 'a.txt'), 'alpha\n');
  writeFileSync(join(host, 'old.log'), 'old\n');
  mkdirSync(join(host, 'sub'));
  writeFileSync(join(host, 'sub', 'b.txt'), 'beta\n');
});
afterEach(() => rmSync(host, { recursive: true, force: true }));

/** The host tree as `path: content`, to prove a run left it alone. */
function snapshot(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) Object.assign(out, snapshot(p, `${prefix}${e.name}/`));
    else out[`${prefix}${e.name}`] = readFileSync(p, 'utf8');
  }
  return out;
}

test('--dir HOST::GUEST is read-write and reaches the host', () => {
  const r = vos(['run', '--dir', `${host}::/work`, VOSTEST, 'cat', '/work/a.txt', 'write', '/work/new.txt', 'made', 'rm', '/work/old.log']);
  expect(r.stdout).toBe('alpha\nwrote /work/new.txt\nremoved /work/old.log\n');
  expect(snapshot(host)).toEqual({ 'a.txt': 'alpha\n', 'new.txt': 'made\n', 'sub/b.txt': 'beta\n' });
});

test('--dir HOST: the guest path defaults to the host path as written', () => {
  expect(vos(['run', '--dir', host, VOSTEST, 'cat', `${host}/sub/b.txt`]).stdout).toBe('beta\n');
});

test('--dir with a relative path mounts it under / (as wasmtime\'s --dir .)', () => {
  const r = vos(['run', '--dir', 'sub', join(process.cwd(), VOSTEST), 'cat', 'sub/b.txt', 'cat', '/sub/b.txt'], { cwd: host });
  expect(r.stdout).toBe('beta\nbeta\n');
});

test('--ro-dir is read-only: reads work, every change is refused, the host is untouched', () => {
  const before = snapshot(host);
  const r = vos(['run', '--ro-dir', `${host}::/data`, VOSTEST, 'cat', '/data/a.txt', 'write', '/data/x', 'no', 'rm', '/data/a.txt']);
  expect(r.stdout).toBe('alpha\nwrite /data/x: Read-only file system\nrm /data/a.txt: Read-only file system\n');
  expect(snapshot(host)).toEqual(before);
});

test('--mem-dir GUEST is an empty in-memory directory; HOST::GUEST a copy the guest may change', () => {
  expect(vos(['run', '--mem-dir', '/scratch', VOSTEST, 'ls', '/scratch', 'write', '/scratch/t', '1', 'ls', '/scratch']).stdout).toBe('wrote /scratch/t\nt\n');
  const before = snapshot(host);
  const r = vos(['run', '--mem-dir', `${host}::/m`, VOSTEST, 'write', '/m/a.txt', 'changed', 'cat', '/m/a.txt', 'rm', '/m/old.log', 'ls', '/m']);
  expect(r.stdout).toBe('wrote /m/a.txt\nchanged\nremoved /m/old.log\na.txt\nsub\n');
  expect(snapshot(host)).toEqual(before);
});

test('--overlay is copy-on-write, and --diff reports created, modified and deleted paths', () => {
  const before = snapshot(host);
  const r = vos([
    'run', '--overlay', `${host}::/project`, '--diff', VOSTEST,
    'write', '/project/a.txt', 'edited', 'write', '/project/sub/new.txt', 'n', 'rm', '/project/old.log', 'cat', '/project/a.txt',
  ]);
  expect(r.code).toBe(0);
  expect(r.stdout).toBe('wrote /project/a.txt\nwrote /project/sub/new.txt\nremoved /project/old.log\nedited\n');
  expect(r.stderr).toBe(
    '--- /project: 1 created, 1 modified, 1 deleted\n' +
      'D /project/old.log\nM /project/a.txt\nA /project/sub/new.txt\n',
  );
  expect(snapshot(host)).toEqual(before);
});

test('--diff with no changes says so; the diff is printed after a trap too', () => {
  expect(vos(['run', '--overlay', `${host}::/p`, '--diff', VOSTEST, 'cat', '/p/a.txt']).stderr).toBe('--- /p: no changes\n');
  const r = vos(['run', '--overlay', `${host}::/p`, '--diff', 'tests/cli/fixtures/trap.wasm']);
  expect(r.code).toBe(134);
  expect(r.stderr).toMatch(/--- \/p: no changes\n$/);
});

test('mounts nest into the default in-memory root, which gets their parent directories', () => {
  const r = vos(['run', '--ro-dir', `${host}::/a/b/c`, VOSTEST, 'ls', '/', 'ls', '/a/b', 'cat', '/a/b/c/a.txt', 'write', '/a/mine', 'ok']);
  expect(r.stdout).toBe('a\nc\nalpha\nwrote /a/mine\n');
});

test('a mount at / replaces the default root', () => {
  expect(vos(['run', '--ro-dir', `${host}::/`, VOSTEST, 'ls', '/']).stdout).toBe('a.txt\nold.log\nsub\n');
});
