/**
 * Every golden run: which program, with which argv/env/stdin, and the exit code it must end with. The golden
 * stdout is `tests/wasm/expected/<golden>.stdout` and states wasmtime's behaviour (the reference).
 */
import type { RunOptions } from '../helpers/run-wasi';

export interface ProgramCase {
  /** Golden file base name (`tests/wasm/expected/<golden>.stdout`). */
  golden: string;
  /** Module base name (`tests/wasm/bin/<program>.wasm`). */
  program: string;
  options?: RunOptions;
  exitCode: number;
}

const ENV = { A: '1', EMPTY: '', UTF8: 'héllo wörld ✓', WITH_EQUALS: 'x=y=z' };

function simple(program: string): ProgramCase {
  return { golden: program, program, options: { env: ENV, stdin: 'line one\nline two\n' }, exitCode: 0 };
}

export const CASES: ProgramCase[] = [
  { golden: 'args.none', program: 'args', options: { args: ['args'] }, exitCode: 0 },
  {
    golden: 'args.many',
    program: 'args',
    options: { args: ['args', 'one', 'two', 'three', 'with space', '', 'ünïcødé ✓ 🎉'] },
    exitCode: 0,
  },
  simple('environ'),
  { golden: 'environ.none', program: 'environ', options: { env: {} }, exitCode: 0 },
  simple('clock'),
  simple('random'),
  simple('fd_file'),
  simple('fd_dir_readdir'),
  simple('path_ops'),
  simple('trailing_slash'),
  // Host directories refuse guest symlinks that point outside them (EPERM, NodeFileSystem's
  // allowOutsideSymlinks): a hazard for the host's own tools. Other backends keep wasmtime's answer.
  { ...simple('symlinks'), golden: 'symlinks.fs-node' },
  simple('hardlinks'),
  simple('rename'),
  // wasmtime's ns answer on every backend, host directories included (issue 8: utimensat on the native path,
  // exact values remembered per inode on the JavaScript path); it was cut to µs on host directories before.
  simple('times'),
  simple('poll'),
  simple('poll_abstime'),
  simple('stdio'),
  simple('raw_fd'),
  ...(['exit0', 'exit3', 'exit255', 'return7', 'return0', 'proc_exit42'] as const).map((mode) => ({
    golden: `exit_codes.${mode}`,
    program: 'exit_codes',
    options: { args: ['exit_codes', mode] },
    exitCode: { exit0: 0, exit3: 3, exit255: 255, return7: 7, return0: 0, proc_exit42: 42 }[mode],
  })),
  { golden: 'unstable', program: 'unstable', options: { version: 'unstable' }, exitCode: 0 },
  simple('bad_input'),
  simple('memory_grow'),
];
