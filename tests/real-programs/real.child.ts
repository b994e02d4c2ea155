/**
 * Child-process half of the real-program tests (see tests/helpers/child.ts): compiles and runs the program under
 * node:wasi or vos with stdio on temporary host files, and returns plain data (file contents as latin1 strings).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem, type MemoryTree } from '@vos/fs-memory';
import { createNodeFileSystem } from '@vos/fs-node';
import { OverlayFileSystem } from '@vos/fs-overlay';
import type { RunOptions, RunResult } from './harness';

type WasiLike = { getImportObject(): object; start(instance: object): number };

function load(wasmPath: string): WebAssembly.Module {
  return new WebAssembly.Module(fs.readFileSync(wasmPath));
}

/** Runs `module` with `makeWasi(stdioFds)` as its WASI host; stdio goes through temporary host files. */
function runWith(module: WebAssembly.Module, stdin: string, makeWasi: (stdio: { stdin: number; stdout: number; stderr: number }) => WasiLike): RunResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-real-stdio-'));
  const files = { stdin: path.join(dir, 'in'), stdout: path.join(dir, 'out'), stderr: path.join(dir, 'err') };
  fs.writeFileSync(files.stdin, stdin);
  const stdio = { stdin: fs.openSync(files.stdin, 'r'), stdout: fs.openSync(files.stdout, 'w'), stderr: fs.openSync(files.stderr, 'w') };
  try {
    const started = performance.now();
    const wasi = makeWasi(stdio);
    const instance = new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports);
    const code = wasi.start(instance);
    const ms = Math.round(performance.now() - started);
    return { code, stdout: fs.readFileSync(files.stdout, 'utf8'), stderr: fs.readFileSync(files.stderr, 'utf8'), ms };
  } finally {
    for (const fd of Object.values(stdio)) fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function vos(module: WebAssembly.Module, options: RunOptions, extra: Record<string, unknown>): RunResult {
  return runWith(module, options.stdin ?? '', (stdio) =>
    new WASI({
      version: 'preview1', args: options.args, env: options.env ?? {}, preopens: options.preopens ?? {}, returnOnExit: true,
      ...stdio, ...extra,
    } as ConstructorParameters<typeof WASI>[0]),
  );
}

/** A memory tree as flat path → latin1 bytes (directories only through their files). */
function flatten(tree: MemoryTree, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [name, entry] of Object.entries(tree)) {
    const p = prefix === '' ? name : `${prefix}/${name}`;
    if (typeof entry === 'string') out[p] = Buffer.from(entry, 'utf8').toString('latin1');
    else if (entry instanceof Uint8Array) out[p] = Buffer.from(entry).toString('latin1');
    else if (typeof entry === 'object' && entry !== null && !('symlink' in entry)) flatten(entry as MemoryTree, p, out);
  }
  return out;
}

/** `{ 'a/b': x }` → `{ a: { b: x } }`, for MemoryFileSystem.fromObject. */
function nest(flat: Record<string, string>): MemoryTree {
  const out: MemoryTree = {};
  for (const [name, contents] of Object.entries(flat)) {
    const parts = name.split('/');
    let dir = out;
    for (const part of parts.slice(0, -1)) dir = (dir[part] ??= {}) as MemoryTree;
    dir[parts[parts.length - 1]] = contents;
  }
  return out;
}

export function describeCommand(wasmPath: string): { importModules: string[]; exportsStart: boolean } {
  const module = load(wasmPath);
  const importModules = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))].sort();
  const exportsStart = WebAssembly.Module.exports(module).some((e) => e.name === '_start' && e.kind === 'function');
  return { importModules, exportsStart };
}

export function runNodeWasi(wasmPath: string, options: RunOptions): RunResult {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WASI: NodeWASI } = require('node:wasi') as typeof import('node:wasi');
  return runWith(load(wasmPath), options.stdin ?? '', (stdio) =>
    new NodeWASI({ version: 'preview1', args: options.args, env: options.env ?? {}, preopens: options.preopens ?? {}, returnOnExit: true, ...stdio }),
  );
}

export function runVos(wasmPath: string, options: RunOptions): RunResult {
  return vos(load(wasmPath), options, {});
}

export function runVosOverlay(wasmPath: string, options: RunOptions, project: string): RunResult & { changes: unknown; upper: Record<string, string> } {
  const clock = new SystemClock();
  const upper = new MemoryFileSystem({ clock });
  const work = new OverlayFileSystem(createNodeFileSystem(project), upper);
  const result = vos(load(wasmPath), options, { mounts: { '/': ({ clock: c }: { clock: SystemClock }) => new MemoryFileSystem({ clock: c }), '/work': work } });
  return { ...result, changes: work.changes(), upper: flatten(upper.toObject()) };
}

export function runVosInMemory(wasmPath: string, options: RunOptions, files: Record<string, string>): RunResult & { files: Record<string, string> } {
  const root = MemoryFileSystem.fromObject(nest(files), { clock: new SystemClock() });
  const result = vos(load(wasmPath), options, { mounts: { '/': root } });
  return { ...result, files: flatten(root.toObject()) };
}
