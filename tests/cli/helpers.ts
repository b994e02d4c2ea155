import { execFileSync, spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { main, type CliIo } from '@vos/cli';

export const ROOT = resolve(__dirname, '../..');
export const FIXTURES = join(__dirname, 'fixtures');
/** The scriptable guest (see fixtures/vostest.c), as a path relative to the repo root. */
export const VOSTEST = 'tests/cli/fixtures/vostest.wasm';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `vos ...argv` in-process with captured outputs, from the repo root. */
export function vos(argv: string[], options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}): Result {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const io: CliIo = {
    stdout: (c) => out.push(c),
    stderr: (c) => err.push(c),
    stdin: new TextEncoder().encode(options.stdin ?? ''),
    env: options.env ?? {},
    cwd: options.cwd ?? ROOT,
  };
  const code = main(argv, io);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

/**
 * Builds the vos command from the current sources (its one-file bundle, dist/vos.js, inlines every package) once,
 * for the child-process tests, and returns the command's bin script.
 */
export function buildCli(): string {
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.js'), 'cli'], { cwd: ROOT, stdio: 'pipe' });
  return join(ROOT, 'packages/cli/bin/vos.js');
}

export function spawnVos(cli: string, argv: string[], input = ''): Result {
  const r = spawnSync(process.execPath, [cli, ...argv], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
