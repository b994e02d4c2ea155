/**
 * Runs one wasm test program under a WASI host class (`node:wasi`'s `WASI` or `@vos/wasi`'s, same API) with a
 * fresh temp sandbox preopened at `/sandbox`, stdio connected to temp files, and `returnOnExit: true`.
 *
 * Stdio goes through real host fds (files) rather than pipes so that both hosts see the same kind of
 * descriptor and the run never blocks; the files are read back after the program ends, and the temp
 * directory is removed whatever happens.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface RunOptions {
  /** argv, including argv[0]. Defaults to the program's base name. */
  args?: string[];
  env?: Record<string, string>;
  /** Guest path -> host path. Defaults to `{ '/sandbox': <fresh temp dir> }`. */
  preopens?: Record<string, string>;
  /** Bytes the program reads from fd 0 (UTF-8). Defaults to empty. */
  stdin?: string;
  version?: 'preview1' | 'unstable';
  /** Called with the sandbox's host path before the program starts, to lay out fixtures. */
  setup?: (sandbox: string) => void;
  /**
   * vos only: serve `/sandbox` from this backend instead of a host directory (a mount namespace with an in-memory
   * root, `/sandbox` preopened as fd 3, as the host-directory runs have it). Gets the fresh sandbox host path.
   */
  sandboxFs?: (sandbox: string) => unknown;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the program trapped (or the host threw) instead of exiting; `exitCode` is then -1. */
  error?: Error;
}

/** The `WebAssembly` global, typed here because the project's TS lib set (no DOM) does not declare it. */
const Wasm = (globalThis as unknown as {
  WebAssembly: { instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: object }> };
}).WebAssembly;

/** Directory of the committed test modules. */
export const WASM_BIN = path.resolve(__dirname, '../wasm/bin');
/** Directory of the golden outputs. */
export const EXPECTED = path.resolve(__dirname, '../wasm/expected');

/** `tests/wasm/bin/<name>.wasm`. */
export function wasmPath(name: string): string {
  return path.join(WASM_BIN, `${name}.wasm`);
}

/** Contents of `tests/wasm/expected/<name>.stdout`. */
export function golden(name: string): string {
  return fs.readFileSync(path.join(EXPECTED, `${name}.stdout`), 'utf8');
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function runProgram(WASI: any, wasmFile: string, options: RunOptions = {}): Promise<RunResult> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-wasi-test-'));
  const sandbox = path.join(tmp, 'sandbox');
  fs.mkdirSync(sandbox);
  const stdinPath = path.join(tmp, 'stdin');
  const stdoutPath = path.join(tmp, 'stdout');
  const stderrPath = path.join(tmp, 'stderr');
  fs.writeFileSync(stdinPath, options.stdin ?? '');
  const fds: number[] = [];
  try {
    options.setup?.(sandbox);
    const stdin = fs.openSync(stdinPath, 'r');
    fds.push(stdin);
    const stdout = fs.openSync(stdoutPath, 'w');
    fds.push(stdout);
    const stderr = fs.openSync(stderrPath, 'w');
    fds.push(stderr);
    const wasi = new WASI({
      version: options.version ?? 'preview1',
      args: options.args ?? [path.basename(wasmFile, '.wasm')],
      env: options.env ?? {},
      ...(options.sandboxFs
        ? { mounts: { '/sandbox': options.sandboxFs(sandbox) }, mountPreopens: ['/sandbox'] }
        : { preopens: options.preopens ?? { '/sandbox': sandbox } }),
      stdin,
      stdout,
      stderr,
      returnOnExit: true,
    });
    const bytes = fs.readFileSync(wasmFile);
    let exitCode = -1;
    let error: Error | undefined;
    try {
      const { instance } = await Wasm.instantiate(bytes, wasi.getImportObject());
      const code = wasi.start(instance);
      exitCode = typeof code === 'number' ? code : 0;
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    }
    closeAll(fds);
    return {
      exitCode,
      stdout: fs.readFileSync(stdoutPath, 'utf8'),
      stderr: fs.readFileSync(stderrPath, 'utf8'),
      ...(error ? { error } : {}),
    };
  } finally {
    closeAll(fds);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Closes the stdio fds; a guest that closed fd 0-2 itself may have closed the host fd already (node:wasi). */
function closeAll(fds: number[]): void {
  for (const fd of fds.splice(0)) {
    try {
      fs.closeSync(fd);
    } catch {
      // already closed by the guest
    }
  }
}
