// --trace / --trace-summary through the CLI, and the tracer itself through the WASI `trace` option.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceSummary, WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { vos, VOSTEST } from './helpers';
import { NATIVE_RUN } from '../helpers/fs-node-paths';
import { SystemClock } from '@vos/clock';

const untimed = (s: string): string => s.replace(/ <[\d.]+µs>/g, '');

test('--trace: one line per syscall with decoded arguments, results and durations, on stderr', () => {
  const r = vos(['run', '--trace', VOSTEST, 'write', '/x', 'hi', 'cat', '/missing', 'exit', '3']);
  expect(r.code).toBe(3);
  const lines = r.stderr.trimEnd().split('\n');
  for (const l of lines) expect(l).toMatch(/^[a-z_]+\(.*\) = .* <\d+\.\dµs>$/);
  const t = untimed(r.stderr);
  expect(t).toContain('fd_prestat_dir_name(fd=3</>, path=0x');
  expect(t).toMatch(/path_open\(fd=3<\/>, dirflags=SYMLINK_FOLLOW, path="x", oflags=CREAT\|TRUNC, fs_rights_base=ALL&~\([A-Z_|]+\), fs_rights_inheriting=[^,]+, fdflags=0, fd_out=0x[0-9a-f]+\) = SUCCESS \{fd=4<\/x>\}/);
  expect(t).toMatch(/fd_write\(fd=4<\/x>, iovs=0x[0-9a-f]+\[\d iovs?, 3 bytes\] "hi\\n", nwritten_out=0x[0-9a-f]+\) = SUCCESS \{nwritten=3\}/);
  expect(t).toContain('fd_close(fd=4</x>) = SUCCESS');
  expect(t).toMatch(/path_open\(fd=3<\/>, dirflags=SYMLINK_FOLLOW, path="missing", .*\) = NOENT\n/);
  expect(t).toMatch(/fd_write\(fd=1<stdout>, .*"wrote \/x\\n/);
  expect(t).toMatch(/proc_exit\(rval=3\) = !trap ProcExit: WASI proc_exit\(3\)\n$/);
  // The guest's own output is untouched.
  expect(r.stdout).toBe('wrote /x\ncat /missing: No such file or directory\n');
});

test('--trace=FILE writes the lines to FILE; --trace-summary appends the table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vos-cli-trace-'));
  try {
    const file = join(dir, 't.txt');
    const r = vos(['run', `--trace=${file}`, '--trace-summary', VOSTEST, 'write', '/x', 'hi']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/\nfd_prestat_get\(fd=3<\/>, prestat_out=0x[0-9a-f]+\) = SUCCESS/);
    expect(text).toMatch(/\nsyscall +calls +errors +total µs +avg µs\n/);
    expect(text).toMatch(/\npath_open +1 +0 +[\d.]+ +[\d.]+\n/);
    expect(text).toMatch(/\ntotal +\d+ +1 +[\d.]+ +[\d.]+\n/); // the one error: fd_prestat_get past the last preopen
    // Then which path host directories take: vos's jest process forces the JavaScript one; tests/native re-runs
    // this file with the native accelerator.
    expect(text).toMatch(
      NATIVE_RUN
        ? /\nhost directories: native accelerator \(openat2 RESOLVE_BENEATH: the kernel refuses escapes\)\n$/
        : /\nhost directories: pure-JavaScript path \(VOS_FS_NODE_NATIVE=0\)\n$/,
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('--trace-summary alone prints only the table, to stderr', () => {
  const r = vos(['run', '--trace-summary', VOSTEST, 'random', '4']);
  expect(r.stderr).toMatch(/^syscall +calls +errors +total µs +avg µs\n-+/);
  expect(r.stderr).toMatch(/\nrandom_get +1 +0 /);
  expect(r.stderr).not.toContain('random_get(');
});

describe('the WASI trace option', () => {
  const Memory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }).WebAssembly.Memory;

  function traced(trace: ConstructorParameters<typeof WASI>[0]['trace']): WASI {
    const wasi = new WASI({ version: 'preview1', mounts: { '/': new MemoryFileSystem({ clock: new SystemClock() }) }, trace });
    wasi.finalizeBindings({ exports: {} }, { memory: new Memory({ initial: 1 }) });
    return wasi;
  }

  test('out-of-range pointers show as <bad ptr>; a fake time source gives exact durations', () => {
    const lines: string[] = [];
    let t = 0;
    const wasi = traced({ line: (l) => lines.push(l), now: () => (t += 0.002) });
    const w = wasi.wasiImport;
    expect(w.path_open(3, 0, 65530, 100, 0, 0n, 0n, 0, 0)).toBe(21); // EFAULT
    expect(w.fd_write(1, 70000, 1, 0)).toBe(21);
    expect(w.path_unlink_file(3, 0xffffffff | 0, 1)).toBe(21);
    expect(w.fd_close(9)).toBe(8);
    expect(lines).toEqual([
      'path_open(fd=3</>, dirflags=0, path=<bad ptr>, oflags=0, fs_rights_base=0, fs_rights_inheriting=0, fdflags=0, fd_out=0x0) = FAULT <2.0µs>',
      'fd_write(fd=1<stdout>, iovs=<bad ptr>, nwritten_out=0x0) = FAULT <2.0µs>',
      'path_unlink_file(fd=3</>, path=<bad ptr>) = FAULT <2.0µs>',
      'fd_close(fd=9) = BADF <2.0µs>',
    ]);
  });

  test('a callback gets lines; a summary without a callback only counts', () => {
    const lines: string[] = [];
    traced((l) => lines.push(l)).wasiImport.sched_yield();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^sched_yield\(\) = SUCCESS <[\d.]+µs>$/);
    const summary = new TraceSummary();
    const w = traced({ summary }).wasiImport;
    w.sched_yield();
    w.sched_yield();
    w.fd_close(42);
    expect(summary.entries().map(({ name, calls, errors }) => ({ name, calls, errors }))).toEqual(
      expect.arrayContaining([{ name: 'sched_yield', calls: 2, errors: 0 }, { name: 'fd_close', calls: 1, errors: 1 }]),
    );
    expect(summary.format(false)).toMatch(/^syscall +calls +errors\n/);
  });

  test('without trace the import functions are the plain ones (no wrapper)', () => {
    const plain = new WASI({ version: 'preview1', mounts: { '/': new MemoryFileSystem({ clock: new SystemClock() }) } }).wasiImport;
    expect(plain.fd_write.name).not.toBe('traced');
    expect(traced(() => {}).wasiImport.fd_write.name).toBe('traced');
  });

  test('a bad trace option is a TypeError', () => {
    expect(() => new WASI({ version: 'preview1', trace: 5 as never })).toThrow(/options\.trace/);
  });
});
