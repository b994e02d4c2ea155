/**
 * Child-process half of ruby-drop-in.test.ts (see tests/helpers/child.ts): `@ruby/wasm-wasi`'s RubyVM driven
 * over node:wasi or over a vos `WASI`, with fd 1 on a host file. Returns plain data.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { createNodeFileSystem } from '@vos/fs-node';
import { OverlayFileSystem } from '@vos/fs-overlay';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RubyVM } = require('@ruby/wasm-wasi') as {
  RubyVM: {
    instantiateModule(options: { module: WebAssembly.Module; wasip1: unknown; args?: string[] }): Promise<{ vm: { eval(code: string): { toString(): string } } }>;
  };
};

export type Run = { value: string; stdout: string };

/** One VM on the WASI `make(stdoutFd)` builds, evaluating `script`; fd 1 is a temporary host file. */
async function evalIn(rubyWasm: string, script: string, make: (stdout: number) => unknown): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-real-ruby-'));
  const file = path.join(dir, 'out');
  const fd = fs.openSync(file, 'w');
  try {
    const module = new WebAssembly.Module(fs.readFileSync(rubyWasm));
    const { vm } = await RubyVM.instantiateModule({ module, wasip1: make(fd) });
    const value = vm.eval(script).toString();
    return { value, stdout: fs.readFileSync(file, 'utf8') };
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function onNodeWasi(rubyWasm: string, script: string, work: string): Promise<Run> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WASI: NodeWASI } = require('node:wasi') as typeof import('node:wasi');
  return evalIn(rubyWasm, script, (stdout) => new NodeWASI({ version: 'preview1', returnOnExit: true, preopens: { '/work': work }, stdout }));
}

export async function onVos(rubyWasm: string, script: string, work: string): Promise<Run> {
  return evalIn(rubyWasm, script, (stdout) => new WASI({ version: 'preview1', returnOnExit: true, preopens: { '/work': work }, stdout }));
}

/** `/work` is a copy-on-write overlay (memory upper) over `project`: the run, `changes()` and the upper's text files. */
export async function onVosOverlay(rubyWasm: string, script: string, project: string): Promise<Run & { changes: unknown; upper: unknown }> {
  const upper = new MemoryFileSystem({ clock: new SystemClock() });
  const work = new OverlayFileSystem(createNodeFileSystem(project), upper);
  const run = await evalIn(rubyWasm, script, (stdout) =>
    new WASI({ version: 'preview1', returnOnExit: true, stdout, mounts: { '/': ({ clock }) => new MemoryFileSystem({ clock }), '/work': work } }),
  );
  return { ...run, changes: work.changes(), upper: upper.toObject({ text: true }) };
}
