// `vos` in-process: help, every option of `vos run`, and every error path with its exit status.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vos, VOSTEST } from './helpers';

describe('help and version', () => {
  test.each([['--help'], ['-h'], ['help'], ['run', '--help']])('%s prints the reference', (...argv) => {
    const r = vos(argv);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('vos run [options] <module.wasm> [guest args...]');
    expect(r.stdout).toContain('--overlay');
  });

  test('--version', () => {
    expect(vos(['--version'])).toEqual({ code: 0, stdout: 'vos 0.1.0\n', stderr: '' });
  });
});

describe('usage errors exit 2 and name what is wrong', () => {
  const cases: [string, string[], string][] = [
    ['no command', [], 'missing command'],
    ['unknown command', ['frobnicate'], "unknown command 'frobnicate'"],
    ['option before the command, no module', ['--dir', '.'], 'missing <module.wasm>'],
    ['unknown option before the command', ['--frob', VOSTEST], "unknown option '--frob'"],
    ['unknown option', ['run', '--frob', VOSTEST], "unknown option '--frob'"],
    ['unknown short option', ['run', '-x', VOSTEST], "unknown option '-x'"],
    ['missing value', ['run', '--dir'], "option '--dir' needs a value"],
    ['value on a flag', ['run', '--diff=yes', VOSTEST], "option '--diff' takes no value"],
    ['--env with an empty name', ['run', '--env', '=x', VOSTEST], "option '--env =x': expected NAME=VALUE or NAME"],
    ['--seed not an integer', ['run', '--seed', 'abc', VOSTEST], "option '--seed abc'"],
    ['--fake-clock garbage', ['run', '--fake-clock=yesterday', VOSTEST], "option '--fake-clock=yesterday'"],
    ['--fake-clock bad date', ['run', '--fake-clock=2024-13-45', VOSTEST], "option '--fake-clock=2024-13-45'"],
    ['--diff without --overlay', ['run', '--diff', VOSTEST], "option '--diff' needs an --overlay"],
    ['missing host dir', ['run', '--dir', '/no/such/dir', VOSTEST], "option '--dir /no/such/dir': no such file or directory"],
    ['host path is a file', ['run', '--ro-dir', `${VOSTEST}::/x`, VOSTEST], 'not a directory'],
    ['empty guest path', ['run', '--dir', '.::', VOSTEST], "empty guest path after '::'"],
    ['duplicate mount', ['run', '--mem-dir', '/a', '--mem-dir', '/a', VOSTEST], "/a is already mounted by '--mem-dir /a'"],
    ['missing --stdin file', ['run', '--stdin', 'no-such-file', VOSTEST], "option '--stdin no-such-file': no such file"],
    ['unwritable --trace file', ['run', '--trace=/no/such/dir/t', VOSTEST], "option '--trace=/no/such/dir/t'"],
    ['missing module', ['run', '--deterministic'], 'missing <module.wasm>'],
    ['module not found', ['run', 'nope.wasm'], "cannot read module 'nope.wasm': no such file or directory"],
  ];
  test.each(cases)('%s', (_name, argv, message) => {
    const r = vos(argv);
    expect(r.stderr).toContain(message);
    expect(r.stderr.startsWith('vos: ')).toBe(true);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('modules vos cannot run exit 1 with one line', () => {
  const F = 'tests/cli/fixtures';
  const cases: [string, string[], string][] = [
    ['not wasm', [`${F}/not-wasm.wasm`], 'is not a WebAssembly module'],
    ['foreign import', [`${F}/foreign-import.wasm`], 'imports env.host_magic (a function), which vos does not provide'],
    ['unknown WASI function', [`${F}/bad-wasi-import.wasm`], 'wasi_snapshot_preview1.fd_teleport'],
    ['no memory', [`${F}/no-memory.wasm`], 'exports no memory'],
    ['reactor without --invoke', [`${F}/reactor.wasm`], 'is a reactor'],
    ['--invoke of a missing export', ['--invoke', 'nothing', `${F}/reactor.wasm`], "exports no 'nothing'"],
  ];
  test.each(cases)('%s', (_name, argv, message) => {
    const r = vos(['run', ...argv]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('running', () => {
  test('a trap exits 134 with the message and the wasm stack', () => {
    const r = vos(['run', 'tests/cli/fixtures/trap.wasm']);
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^vos: wasm trap: unreachable\n/);
    // jest rewrites wasm frames (`wasm:/wasm/ID:1:OFFSET`); a plain node prints `wasm://wasm/ID:wasm-function[1]:0x..`.
    expect(r.stderr).toMatch(/ {4}at inner \(wasm:\/\/?wasm\/[0-9a-f]+:\S+\)\n {4}at middle /);
  });

  test('the exit status is the guest exit code', () => {
    const r = vos(['run', VOSTEST, 'exit', '3']);
    expect(r.code).toBe(3);
  });

  test('argv: argv0 is the module path as given, then the guest args (options after the module are the guest\'s)', () => {
    expect(vos(['run', VOSTEST, 'args', '--dir']).stdout).toBe(`argv[0]=${VOSTEST}\nargv[1]=args\nargv[2]=--dir\nunknown command --dir\n`);
    expect(vos(['run', '--argv0', 'prog', '--', VOSTEST, 'args']).stdout).toBe('argv[0]=prog\nargv[1]=args\n');
  });

  test('--env, repeatable; --inherit-env copies the host environment, --env wins', () => {
    expect(vos(['run', '--env', 'A=1', '--env', 'B=x=y', VOSTEST, 'env']).stdout).toBe('A=1\nB=x=y\n');
    expect(vos(['run', VOSTEST, 'env'], { env: { HOME: '/h' } }).stdout).toBe('');
    const r = vos(['run', '--inherit-env', '--env', 'HOME=/mine', '--env', 'X=1', VOSTEST, 'env'], { env: { HOME: '/h', USER: 'me' } });
    expect(r.stdout).toBe('HOME=/mine\nUSER=me\nX=1\n');
  });

  test('the default world is an empty in-memory / the guest can write', () => {
    const r = vos(['run', VOSTEST, 'ls', '/', 'write', '/note', 'hi', 'cat', '/note', 'ls', '/']);
    expect(r.stdout).toBe('wrote /note\nhi\nnote\n');
    expect(vos(['run', VOSTEST, 'cat', '/etc/passwd']).stdout).toBe('cat /etc/passwd: No such file or directory\n');
  });

  test('stdin: the host stdin by default and with -, a file with --stdin FILE', () => {
    expect(vos(['run', VOSTEST, 'stdin'], { stdin: 'from host\n' }).stdout).toBe('from host\n');
    expect(vos(['run', '--stdin', '-', VOSTEST, 'stdin'], { stdin: 'dash\n' }).stdout).toBe('dash\n');
    const dir = mkdtempSync(join(tmpdir(), 'vos-cli-'));
    try {
      writeFileSync(join(dir, 'in.txt'), 'from a file\n');
      expect(vos(['run', '--stdin', 'in.txt', join(process.cwd(), VOSTEST), 'stdin'], { cwd: dir, stdin: 'no' }).stdout).toBe('from a file\n');
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  test('--fake-clock: the default epoch, an ISO date, ns; sleeps take no time', () => {
    const t0 = Date.now();
    expect(vos(['run', '--fake-clock', VOSTEST, 'time']).stdout).toBe('realtime: 946684800000000000\nslept: 90 s\n');
    expect(vos(['run', '--fake-clock=2024-01-01T00:00:00Z', VOSTEST, 'time']).stdout).toBe('realtime: 1704067200000000000\nslept: 90 s\n');
    expect(vos(['run', '--fake-clock=123', VOSTEST, 'time']).stdout).toBe('realtime: 123\nslept: 90 s\n');
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  test('--seed: the same seed gives the same bytes, another seed others', () => {
    const a = vos(['run', '--seed', '7', VOSTEST, 'random', '16']).stdout;
    expect(a).toMatch(/^[0-9a-f]{32}\n$/);
    expect(vos(['run', '--seed', '7', VOSTEST, 'random', '16']).stdout).toBe(a);
    expect(vos(['run', '--seed', '8', VOSTEST, 'random', '16']).stdout).not.toBe(a);
  });

  test('--deterministic twice gives identical output (and --trace lines, times aside)', () => {
    const argv = ['run', '--deterministic', '--trace', VOSTEST, 'time', 'random', '8', 'write', '/f', 'x', 'ls', '/'];
    const a = vos(argv);
    const b = vos(argv);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/^realtime: 946684800000000000\nslept: 90 s\n[0-9a-f]{16}\nwrote \/f\nf\n$/);
    expect(b.stdout).toBe(a.stdout);
    const untimed = (s: string): string => s.replace(/<[\d.]+µs>/g, '');
    expect(untimed(b.stderr)).toBe(untimed(a.stderr));
    expect(vos(['run', '--deterministic', '--seed', '1', VOSTEST, 'random', '8']).stdout).not.toBe(vos(['run', '--deterministic', VOSTEST, 'random', '8']).stdout);
  });

  test('the import module is detected: a wasi_unstable command runs', () => {
    expect(vos(['run', 'tests/cli/fixtures/exit-unstable.wasm'])).toEqual({ code: 5, stdout: 'unstable\n', stderr: '' });
  });

  test('--invoke runs a reactor export with numeric arguments and prints its result', () => {
    expect(vos(['run', '--invoke', 'add', 'tests/cli/fixtures/reactor.wasm', '2', '3'])).toEqual({ code: 0, stdout: '105\n', stderr: '' });
    expect(vos(['run', '--invoke', 'bye', 'tests/cli/fixtures/reactor.wasm']).code).toBe(9);
  });
});
