import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
 * The vos command's bin script, for the child-process tests. Its one-file bundle (dist/vos.js, which inlines every
 * package) is built from the current sources once per jest run, by tests/helpers/global-setup.js.
 */
export function buildCli(): string {
  const bundle = join(ROOT, 'packages/cli/dist/vos.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: the jest global setup builds it (run the tests with jest)`);
  return join(ROOT, 'packages/cli/bin/vos.js');
}

export function spawnVos(cli: string, argv: string[], input = ''): Result {
  const r = spawnSync(process.execPath, [cli, ...argv], { cwd: ROOT, input, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs the vos command in a child process without blocking this thread (a test that also serves HTTP to it must
 * keep its event loop free). `env` entries are added to this process's environment; an entry set to undefined is
 * removed from it.
 */
export function spawnVosAsync(cli: string, argv: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...argv], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
