// The adversarial suite (issue 9, item 7): the guests in tests/adversarial/src attack each class (budgets,
// depth, exhaustion, teardown, forged output, symlinks out) on the host, memory, overlay and read-only backends,
// through `vos run` (in-process, and in a worker with --timeout) and through the WASI API. Every run is a child
// process with a capped heap and a timeout; the test asserts the host survived (no signal, no timeout), the errno
// the guest was answered, and that nothing on the host changed where it must not. The wrong-signature import matrix lives with the import boundary
// (tests/core, generated from the ABI table).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCli } from '../cli/helpers';

const ROOT = path.resolve(__dirname, '../..');
const GUEST = path.join(__dirname, 'bin/adversary.wasm');
/** Heap cap of every child: far below what an unbounded guest would make the host allocate. */
const HEAP_MB = 256;

type Backend = 'memory' | 'host' | 'overlay' | 'read-only';
const BACKENDS: Backend[] = ['memory', 'host', 'overlay', 'read-only'];

let cli: string;
let tmp: string;

beforeAll(() => {
  cli = buildCli();
}, 180_000);

beforeEach(() => {
  // <tmp>/w is what the guest gets (on the host backends); <tmp>/outside must never change.
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-adversarial-'));
  fs.mkdirSync(path.join(tmp, 'w'));
  fs.writeFileSync(path.join(tmp, 'w', 'keep.txt'), 'host data');
  fs.mkdirSync(path.join(tmp, 'outside'));
  fs.writeFileSync(path.join(tmp, 'outside', 'secret'), 'secret');
});

afterEach(() => {
  // Not fs.rmSync: it recurses, and a guest's tree can be deeper than its stack. GNU rm walks with openat.
  execFileSync('rm', ['-rf', tmp]);
});

/** Every name, kind, size and small file's bytes under `dir` (for "nothing changed here"). */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const stack = [''];
  while (stack.length > 0) {
    const rel = stack.pop() as string;
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const p = path.join(rel, name);
      const st = fs.lstatSync(path.join(dir, p));
      if (st.isDirectory()) stack.push(p);
      const what = st.isSymbolicLink() ? `-> ${fs.readlinkSync(path.join(dir, p))}` : st.isFile() && st.size < 4096 ? fs.readFileSync(path.join(dir, p), 'latin1') : `${st.size}`;
      out.push(`${p} ${st.isDirectory() ? 'dir' : what}`);
    }
  }
  return out;
}

/**
 * Every symlink under `dir` whose target, read as the host's own tools read it (from the link's directory, by
 * the kernel), leads outside `dir`: a guest must not leave one on a host directory (unless allowed).
 */
function linksLeaving(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isSymbolicLink()) {
        const to = path.resolve(d, fs.readlinkSync(p));
        if (to !== dir && !to.startsWith(dir + path.sep)) out.push(path.relative(dir, p));
      }
    }
  }
  return out.sort();
}

/** The mount option and the guest's working directory for a backend. */
function mountArgs(backend: Backend): { opts: string[]; cd: string } {
  const w = path.join(tmp, 'w');
  switch (backend) {
    case 'memory':
      return { opts: [], cd: 'cd=/' };
    case 'host':
      return { opts: ['--dir', `${w}::/w`], cd: 'cd=/w' };
    case 'overlay':
      return { opts: ['--overlay', `${w}::/w`], cd: 'cd=/w' };
    case 'read-only':
      return { opts: ['--ro-dir', `${w}::/w`], cd: 'cd=/w' };
  }
}

interface Run {
  code: number;
  stdout: string[];
  stderr: string;
}

/** `vos run` in a child with a capped heap and a timeout; fails the test if the host did not survive. */
function vos(args: string[], timeoutMs = 60_000): Run {
  const r = spawnSync(process.execPath, [`--max-old-space-size=${HEAP_MB}`, cli, 'run', ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error !== undefined || r.signal !== null) throw new Error(`the host did not survive: ${r.error?.message ?? r.signal}\n${r.stderr}`);
  return { code: r.status as number, stdout: r.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('cd: ')), stderr: r.stderr };
}

/** Runs `commands` of the guest on `backend` and checks the host side: the preopen untouched where it must be. */
function attack(backend: Backend, commands: string[], extra: string[] = []): Run {
  const { opts, cd } = mountArgs(backend);
  const w = path.join(tmp, 'w');
  const beforeW = snapshot(w);
  const beforeOutside = snapshot(path.join(tmp, 'outside'));
  const tmpNames = fs.readdirSync(tmp).sort();
  const run = vos([...extra, ...opts, GUEST, cd, ...commands]);
  // Nothing outside the preopen changes, ever; nothing inside it on the read-only and copy-on-write backends.
  expect(snapshot(path.join(tmp, 'outside'))).toEqual(beforeOutside);
  expect(fs.readdirSync(tmp).sort()).toEqual(tmpNames);
  if (backend !== 'host') expect(snapshot(w)).toEqual(beforeW);
  else if (!extra.includes('--allow-outside-symlinks')) expect(linksLeaving(w)).toEqual([]);
  expect(fs.readFileSync(path.join(w, 'keep.txt'), 'utf8')).toBe('host data');
  return run;
}

const writable = (b: Backend): boolean => b !== 'read-only';

/**
 * `climb`: links that point inside when made, then their directory moved to the top (`a/b` -> `b`). On a host
 * directory the one whose target climbs twice is refused, since the move would take it outside; the one that
 * climbs once stays inside wherever its directory goes. Memory trees keep wasmtime's answer (the walker never
 * follows a link out, and no host tool sees them).
 */
const CLIMB: Record<Backend, string[]> = {
  host: ['symlink a/b/two -> ../../x: EPERM', 'symlink a/b/one -> ../y: ok', 'rename a/b -> b: ok'],
  memory: ['symlink a/b/two -> ../../x: ok', 'symlink a/b/one -> ../y: ok', 'rename a/b -> b: ok'],
  overlay: ['symlink a/b/two -> ../../x: ok', 'symlink a/b/one -> ../y: ok', 'rename a/b -> b: ok'],
  'read-only': ['symlink a/b/two -> ../../x: ENOENT', 'symlink a/b/one -> ../y: ENOENT', 'rename a/b -> b: ENOENT'],
};

describe.each(BACKENDS)('vos run on %s', (backend) => {
  test('names, paths, link targets and link chains over their budgets; poll at 2^64-1; symlinks out', () => {
    const r = attack(backend, ['names', 'pollmax', 'symout', 'climb'], ['--fake-clock']);
    // On host and read-only directories the chain's links (`d/../...`) are never made (EPERM, EROFS).
    const chain = backend === 'memory' || backend === 'overlay' ? 'ELOOP' : 'ENOENT';
    const out = { host: 'EPERM', 'read-only': 'EROFS', memory: 'ok', overlay: 'ok' }[backend];
    expect(r.stdout).toEqual([
      'mkdir 256-byte name: ENAMETOOLONG',
      'open 4097-byte path: ENAMETOOLONG',
      'symlink 4096-byte target: ENAMETOOLONG',
      'open 70000-byte path: ENAMETOOLONG',
      `open through long chains: ${chain}`,
      'poll 2^64-1: 0, monotonic forward',
      `symlink ../escape: ${out}`,
      `symlink a/../..: ${out}`,
      `symlink inside: ${writable(backend) ? 'ok' : 'EROFS'}`,
      ...CLIMB[backend],
    ]);
    expect(r.code).toBe(0);
    if (backend === 'host') {
      expect(fs.existsSync(path.join(tmp, 'w', 'out1'))).toBe(false);
      expect(fs.readlinkSync(path.join(tmp, 'w', 'in1'))).toBe('./inside');
    }
  });

  test('fds to the cap, then exit and trap with all of them open', () => {
    const exit = attack(backend, ['fds', 'end=exit']);
    expect(exit.stdout).toEqual(['fds: EMFILE after >16000']);
    expect(exit.code).toBe(3);
    const trap = attack(backend, ['fds', 'end=trap']);
    expect(trap.stdout).toEqual(['fds: EMFILE after >16000']);
    expect(trap.code).toBe(134);
    expect(trap.stderr).toMatch(/^vos: wasm trap: unreachable\n/);
  });

  test('a directory tree 2,000 deep, and 2,000 fds each holding a listing of a 3,000-entry directory', () => {
    const r = attack(backend, [backend === 'host' ? 'deep=300' : 'deep=2000', 'listings']);
    expect(r.stdout).toEqual(
      writable(backend)
        ? [`deep ${backend === 'host' ? 300 : 2000}: ok`, 'listings held: 2000']
        : ['deep 2000: EROFS', 'listings held: ENOENT'],
    );
    expect(r.code).toBe(0);
  });

  test('names a terminal would interpret are escaped in --trace and --diff', () => {
    const traceFile = path.join(os.tmpdir(), `vos-adv-trace-${process.pid}-${backend}.txt`);
    try {
      const r = attack(backend, ['forge'], [`--trace=${traceFile}`, ...(backend === 'overlay' ? ['--diff'] : [])]);
      expect(r.stdout).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `create ${i}: ${writable(backend) ? 'ok' : 'EROFS'}`));
      const trace = fs.readFileSync(traceFile, 'utf8');
      for (const text of [trace, r.stderr]) {
        // Nothing a terminal acts on: no C0 control but the newline ending each line, no DEL, C1 or bidi
        // override, no invisible character; every line is one syscall (or one diff entry).
        expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/);
      }
      expect(trace).toContain('clear\\u001b[2J\\u001b[H"');
      if (writable(backend)) expect(trace).toContain('"\\x1b]0;pwned\\x07\\r\\n"');
      if (backend === 'overlay') {
        expect(r.stderr.split('\n')).toEqual([
          '--- /w: 7 created, 0 modified, 0 deleted',
          'A /w/back\\\\nslash',
          'A /w/bidi\\u202etxt.exe',
          'A /w/c1\\u009b31m',
          'A /w/clear\\u001b[2J\\u001b[H',
          'A /w/cr\\rA etc-passwd',
          'A /w/nl\\nA etc-shadow',
          'A /w/zw\\u200b',
          '',
        ]);
      }
    } finally {
      fs.rmSync(traceFile, { force: true });
    }
  });
});

describe.each(['memory', 'overlay', 'read-only'] as Backend[])('vos run: in-memory quotas on %s', (backend) => {
  // The host backend has no quota of its own: a guest can fill a read-write host directory's disk (documented).
  const mem = backend !== 'read-only';
  test('one file grown without end, and a sparse write at 1 TiB', () => {
    const r = attack(backend, ['fill', 'sparse'], backend === 'overlay' ? ['--limit', 'mem-bytes=64M'] : []);
    expect(r.stdout).toEqual(
      mem
        ? ['fill: ENOSPC', 'unlink fill: ok', 'pwrite at 1 TiB: EFBIG', 'ftruncate to 1 TiB: EFBIG']
        : ['fill open: EROFS', 'sparse open: EROFS'],
    );
    expect(r.code).toBe(0);
  });

  test('files and hard links until the quota', () => {
    const limits = backend === 'overlay' ? ['--limit', 'mem-inodes=5000'] : [];
    const inodes = attack(backend, ['inodes'], limits);
    expect(inodes.stdout).toEqual([`inodes: ${mem ? 'ENOSPC' : 'EROFS'}`]);
    const links = attack(backend, ['links'], ['--limit', 'mem-bytes=1M']);
    expect(links.stdout).toEqual([`links: ${mem ? 'ENOSPC' : 'ENOENT'}`]); // read-only: no file to link
  });
});

describe.each(BACKENDS)('vos run in a worker (--timeout) on %s', (backend) => {
  // The worker path: the core (walker, fd table, budgets) runs next to the guest, the filesystems stay here.
  test('the same budgets (--limit carried over) and the same symlink policy', () => {
    const r = attack(backend, ['names', 'symout', 'climb', 'chain=10', 'fds'], ['--timeout', '120s', '--limit', 'symlinks=5', '--limit', 'fds=64']);
    const chain = backend === 'memory' || backend === 'overlay' ? 'ELOOP' : 'ENOENT';
    const out = { host: 'EPERM', 'read-only': 'EROFS', memory: 'ok', overlay: 'ok' }[backend];
    expect(r.stdout).toEqual([
      'mkdir 256-byte name: ENAMETOOLONG',
      'open 4097-byte path: ENAMETOOLONG',
      'symlink 4096-byte target: ENAMETOOLONG',
      'open 70000-byte path: ENAMETOOLONG',
      `open through long chains: ${chain}`,
      `symlink ../escape: ${out}`,
      `symlink a/../..: ${out}`,
      `symlink inside: ${writable(backend) ? 'ok' : 'EROFS'}`,
      ...CLIMB[backend],
      `open through 10 links: ${writable(backend) ? 'ELOOP' : 'ENOENT'}`,
      'fds: EMFILE after few',
    ]);
    expect(r.code).toBe(0);
  });
});

test('--allow-outside-symlinks lets a host directory hold links that point outside', () => {
  const r = attack('host', ['symout', 'climb'], ['--allow-outside-symlinks']);
  expect(r.stdout).toEqual([
    'symlink ../escape: ok', 'symlink a/../..: ok', 'symlink inside: ok',
    'symlink a/b/two -> ../../x: ok', 'symlink a/b/one -> ../y: ok', 'rename a/b -> b: ok',
  ]);
  expect(fs.readlinkSync(path.join(tmp, 'w', 'out1'))).toBe('../escape');
  // What the default refuses: the moved link now leads out of the directory, for the host's tools.
  expect(linksLeaving(path.join(tmp, 'w'))).toEqual(['b/two', 'out1', 'out2']);
});

test('bad --limit values are usage errors naming the option', () => {
  expect(vos(['--limit', 'fds=0', GUEST]).stderr).toMatch(/option '--limit fds=0': must be a positive integer/);
  expect(vos(['--limit', 'nope=1', GUEST]).stderr).toMatch(/unknown limit 'nope'/);
  expect(vos(['--limit', 'fds=10', GUEST, 'fds']).stdout).toEqual(['fds: EMFILE after few']);
});

describe('through the API', () => {
  test.each(BACKENDS)('%s', (backend) => {
    const r = spawnSync(
      process.execPath,
      [`--max-old-space-size=${HEAP_MB}`, '-r', path.join(ROOT, 'tests/api/ts-register.js'), path.join(__dirname, 'api-child.js'), backend, path.join(tmp, 'w')],
      { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
    );
    if (r.signal !== null || r.status !== 0) throw new Error(`the host did not survive (${r.status} ${r.signal}): ${r.stderr}`);
    const results = JSON.parse(r.stdout) as { commands: string; code: number | string; stdout: string[] }[];
    const w = writable(backend);
    const mem = backend === 'memory' || backend === 'overlay';
    const expected: Record<string, string[]> = {
      names: [
        'mkdir 256-byte name: ENAMETOOLONG', 'open 4097-byte path: ENAMETOOLONG', 'symlink 4096-byte target: ENAMETOOLONG',
        'open 70000-byte path: ENAMETOOLONG', `open through long chains: ${mem ? 'ELOOP' : 'ENOENT'}`,
      ],
      'fds end=trap': ['fds: EMFILE after >16000'],
      fill: mem ? ['fill: ENOSPC', 'unlink fill: ok'] : backend === 'read-only' ? ['fill open: EROFS'] : ['skipped'],
      'deep=2000': [w ? 'deep 2000: ok' : 'deep 2000: EROFS'],
      symout: {
        host: ['symlink ../escape: EPERM', 'symlink a/../..: EPERM', 'symlink inside: ok'],
        'read-only': ['symlink ../escape: EROFS', 'symlink a/../..: EROFS', 'symlink inside: EROFS'],
        memory: ['symlink ../escape: ok', 'symlink a/../..: ok', 'symlink inside: ok'],
        overlay: ['symlink ../escape: ok', 'symlink a/../..: ok', 'symlink inside: ok'],
      }[backend],
      climb: CLIMB[backend],
      listings: backend === 'host' ? ['skipped'] : [w ? 'listings held: 2000' : 'listings held: ENOENT'],
    };
    for (const result of results) expect([result.commands, result.stdout]).toEqual([result.commands, expected[result.commands]]);
    expect(results.map((x) => x.code)).toEqual([0, 'trap', 0, 0, 0, 0, 0]);
    expect(fs.readFileSync(path.join(tmp, 'w', 'keep.txt'), 'utf8')).toBe('host data');
    if (backend === 'host') expect(linksLeaving(path.join(tmp, 'w'))).toEqual([]);
    expect(fs.readdirSync(path.join(tmp, 'outside'))).toEqual(['secret']);
    if (backend !== 'host') expect(fs.readdirSync(path.join(tmp, 'w'))).toEqual(['keep.txt']);
  }, 120_000);
});
