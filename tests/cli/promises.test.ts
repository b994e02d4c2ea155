// Regression tests for the promises of `vos` that issue 8 (item 2) found broken, one behaviour each.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from '@vos/wasi';
import { OPTIONS } from '@vos/cli';
import { buildCli, ROOT, vos, VOSTEST } from './helpers';

const EPOCH_2000 = 946_684_800_000_000_000n;

describe('--deterministic and --fake-clock drive file timestamps', () => {
  const mtimes = (stdout: string): bigint[] => [...stdout.matchAll(/^mtime \S+: (\d+)$/gm)].map((m) => BigInt(m[1]));

  test('files created in the in-memory root and in --mem-dir get the fake time', () => {
    const r = vos(['run', '--deterministic', '--mem-dir', '/m', VOSTEST, 'write', '/f', 'x', 'write', '/m/g', 'y', 'mtime', '/f', 'mtime', '/m/g', 'mtime', '/']);
    expect(r.code).toBe(0);
    const times = mtimes(r.stdout);
    expect(times).toHaveLength(3);
    for (const t of times) {
      expect(t).toBeGreaterThanOrEqual(EPOCH_2000);
      expect(t).toBeLessThan(EPOCH_2000 + 1_000_000_000n); // within a second of the fake epoch, not wall-clock time
    }
  });

  test('--fake-clock=TIME stamps a --mem-dir copy of a host directory and an --overlay upper', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vos-cli-times-'));
    try {
      writeFileSync(join(dir, 'seed.txt'), 'seed');
      const r = vos(['run', '--fake-clock=1000', '--mem-dir', `${dir}::/m`, '--overlay', `${dir}::/o`, VOSTEST,
        'write', '/m/new', 'a', 'write', '/o/new', 'b', 'mtime', '/m/new', 'mtime', '/o/new']);
      expect(r.code).toBe(0);
      for (const t of mtimes(r.stdout)) expect(t).toBeLessThan(1_000_000_000n);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('two deterministic runs report identical timestamps', () => {
    const argv = ['run', '--deterministic', VOSTEST, 'write', '/f', 'x', 'mtime', '/f'];
    expect(vos(argv).stdout).toBe(vos(argv).stdout);
  });
});

describe('a guest exit code outside 0..125 is a failure, said in one line', () => {
  test.each([['126', '126'], ['200', '200'], ['256', '256'], ['-1', '4294967295']])('exit(%s)', (n, shown) => {
    const r = vos(['run', VOSTEST, 'exit', n]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`vos: the guest exited with code ${shown}, outside 0..125: exit status 1\n`);
  });
  test('0..125 pass through untouched', () => {
    expect(vos(['run', VOSTEST, 'exit', '0']).code).toBe(0);
    expect(vos(['run', VOSTEST, 'exit', '125']).code).toBe(125);
    expect(vos(['run', VOSTEST, 'exit', '125']).stderr).toBe('');
  });
  test('the JS API still returns the raw code', () => {
    const wasi = new WASI({ version: 'preview1', args: ['t', 'exit', '256'], returnOnExit: true, stdout: 1 });
    const mod = new WebAssembly.Module(require('node:fs').readFileSync(join(ROOT, VOSTEST)));
    expect(wasi.start(new WebAssembly.Instance(mod, wasi.getImportObject() as WebAssembly.Imports))).toBe(256);
  });
});

describe('--no-root', () => {
  test('the guest gets no preopen at all', () => {
    const r = vos(['run', '--no-root', '--trace', VOSTEST, 'ls', '/']);
    expect(r.stderr).toMatch(/^fd_prestat_get\(fd=3, .*\) = BADF/m);
    expect(r.stdout).toMatch(/^ls \/: /);
  });
  test('mounts given with it are still preopened, each on its own', () => {
    const r = vos(['run', '--no-root', '--mem-dir', '/data', '--trace', VOSTEST, 'write', '/data/f', 'x', 'cat', '/data/f']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote /data/f\nx\n');
    expect(r.stderr).toMatch(/fd_prestat_dir_name\(fd=3<\/data>, .*\) = SUCCESS \{path="\/data"\}/);
    expect(r.stderr).toMatch(/^fd_prestat_get\(fd=4, .*\) = BADF/m);
  });
});

describe('wasmtime habits', () => {
  test('`vos prog.wasm args` runs without `run`, and options may come first', () => {
    expect(vos([VOSTEST, 'args']).stdout).toBe(`argv[0]=${VOSTEST}\nargv[1]=args\n`);
    expect(vos(['--env', 'A=1', VOSTEST, 'env']).stdout).toBe('A=1\n');
  });
  test('--env NAME inherits one variable from the host; unset on the host, it is left out', () => {
    const r = vos(['run', '--env', 'HOME', '--env', 'MISSING', '--env', 'X=1', VOSTEST, 'env'], { env: { HOME: '/h', USER: 'me' } });
    expect(r.stdout).toBe('HOME=/h\nX=1\n');
  });
  test('an unknown option suggests the nearest one', () => {
    const r = vos(['run', '--dri', '.', VOSTEST]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--dri' (did you mean --dir?)");
    expect(vos(['run', '--determinstic', VOSTEST]).stderr).toContain('(did you mean --deterministic?)');
    expect(vos(['run', '--zzzzzz', VOSTEST]).stderr).not.toContain('did you mean');
  });
  test('an unknown command is an error that does not suggest running it as a module', () => {
    const r = vos(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
    expect(r.stderr).not.toContain('vos run frobnicate');
    expect(vos(['rnu', VOSTEST]).stderr).toContain('(did you mean run?)');
  });
  test('--help lists every option, one line each', () => {
    const help = vos(['--help']).stdout;
    const lines = help.split('\n');
    for (const o of OPTIONS) {
      const mine = lines.filter((l) => l.startsWith(`  ${o.name} `) || l.startsWith(`  ${o.name}[`));
      expect([o.name, mine.length]).toEqual([o.name, 1]);
      expect(mine[0]).toContain(o.help);
      expect(mine[0].length).toBeLessThanOrEqual(120);
    }
    // No continuation lines: every indented line under a section is an option.
    const optionLines = lines.filter((l) => /^ {2}\S/.test(l) && !l.startsWith('  vos '));
    expect(optionLines).toHaveLength(OPTIONS.length);
    expect(lines.filter((l) => /^ {4,}\S/.test(l))).toEqual([]);
  });
});

describe('a bug in vos is told apart from a guest trap', () => {
  test('an internal error exits 70 and says it is vos\'s fault', () => {
    const spy = jest.spyOn(WASI.prototype, 'start').mockImplementation(() => {
      throw new TypeError('simulated bug');
    });
    try {
      const r = vos(['run', VOSTEST, 'args']);
      expect(r.code).toBe(70);
      expect(r.stderr).toMatch(/^vos: internal error \(a bug in vos, not in the guest\): TypeError: simulated bug\n/);
    } finally {
      spy.mockRestore();
    }
  });
  test('a trap still exits 134', () => {
    const r = vos(['run', VOSTEST, 'trap']);
    expect(r.code).toBe(134);
    expect(r.stderr).toMatch(/^vos: wasm trap: unreachable/);
  });
});

describe('--trace shows the values a call wrote back', () => {
  test('prestat, fdstat and filestat fields, and the bytes read', () => {
    const r = vos(['run', '--deterministic', '--trace', VOSTEST, 'write', '/f', 'hello', 'cat', '/f', 'mtime', '/f']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/fd_prestat_get\(fd=3<\/>, prestat_out=0x[0-9a-f]+\) = SUCCESS \{tag=DIR, name_len=1\}/);
    expect(r.stderr).toMatch(/fd_fdstat_get\(fd=3<\/>, fdstat_out=0x[0-9a-f]+\) = SUCCESS \{filetype=DIRECTORY, flags=0, rights_base=[^,]+, rights_inheriting=[^}]+\}/);
    expect(r.stderr).toMatch(/fd_read\(fd=4<\/f>, iovs=0x[0-9a-f]+\[2 iovs, \d+ bytes\], nread_out=0x[0-9a-f]+\) = SUCCESS \{nread=6 "hello\\n"\}/);
    expect(r.stderr).toMatch(/path_filestat_get\(fd=3<\/>, .*path="f", .*\) = SUCCESS \{dev=\d+, ino=\d+, filetype=REGULAR_FILE, nlink=1, size=6, atim=\d+, mtim=9466848\d+, ctim=\d+\}/);
  });
});

describe('Ctrl-C during a run', () => {
  let cli: string;
  beforeAll(() => {
    cli = buildCli();
  }, 120_000);

  function interrupt(argv: string[], signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; stderr: string }> {
    return new Promise((done) => {
      const child = spawn(process.execPath, [cli, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      let stdout = '';
      let sent = false;
      child.stderr.on('data', (d) => (stderr += d));
      child.stdout.on('data', (d) => {
        stdout += d;
        // The guest announces it is about to sleep: interrupt it then.
        if (!sent && stdout.includes('wrote')) {
          sent = true;
          setTimeout(() => child.kill(signal), 200);
        }
      });
      child.on('exit', (code, sig) => done({ code, signal: sig, stderr }));
    });
  }

  test.each([['SIGINT', 130], ['SIGTERM', 143]] as const)('%s still prints --diff and --trace-summary, then exits %d', async (signal, status) => {
    const dir = mkdtempSync(join(tmpdir(), 'vos-cli-int-'));
    try {
      const r = await interrupt(['run', '--overlay', `${dir}::/o`, '--diff', '--trace-summary', VOSTEST, 'write', '/o/new', 'x', 'sleep', '30'], signal);
      expect(r.stderr).toContain(`vos: interrupted (${signal})`);
      expect(r.stderr).toContain('--- /o: 1 created, 0 modified, 0 deleted\nA /o/new\n');
      // The summary counts every call that returned (the interrupted sleep never did).
      expect(r.stderr).toMatch(/\nfd_write +2 +0 /);
      expect(r.stderr).toMatch(/\ntotal +\d+ /);
      expect(r.code).toBe(status);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
