/**
 * Runs one golden case (tests/programs/cases.ts) with `@vos/wasi`'s `WASI` as bundled for the browser: `/sandbox`
 * on a fresh in-memory filesystem, stdin from a string, stdout/stderr captured. Used on the page's thread and in
 * a dedicated worker.
 */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CollectorSink } from '@vos/stdio';
import type { Clock } from '@vos/core';
import { CASES } from '../../programs/cases';

export { CASES };

const modules = new Map<string, Promise<WebAssembly.Module>>();
function compile(program: string): Promise<WebAssembly.Module> {
  let m = modules.get(program);
  if (!m) modules.set(program, (m = WebAssembly.compileStreaming(fetch(`/tests/wasm/bin/${program}.wasm`))));
  return m;
}

/** The golden stdout an in-memory backend must print (only host directories refuse outside symlinks). */
export async function expectedStdout(goldenName: string): Promise<string> {
  const name = goldenName === 'symlinks.fs-node' ? 'symlinks' : goldenName;
  const res = await fetch(`/tests/wasm/expected/${name}.stdout`);
  if (!res.ok) throw new Error(`golden ${name}: HTTP ${res.status}`);
  return res.text();
}

export interface GoldenRun {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export async function runGoldenCase(index: number): Promise<GoldenRun> {
  const c = CASES[index];
  const o = c.options ?? {};
  const stdout = new CollectorSink();
  const stderr = new CollectorSink();
  const wasi = new WASI({
    version: o.version ?? 'preview1',
    args: o.args ?? [c.program],
    env: o.env ?? {},
    mounts: { '/sandbox': ({ clock }: { clock: Clock }) => new MemoryFileSystem({ clock }) },
    mountPreopens: ['/sandbox'],
    stdio: { stdin: o.stdin ?? '', stdout, stderr },
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(await compile(c.program), wasi.getImportObject() as WebAssembly.Imports);
  const exitCode = wasi.start(instance);
  return { stdout: stdout.text(), stderr: stderr.text(), exitCode };
}
