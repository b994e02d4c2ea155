import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// node:wasi itself is only ever loaded in a child process: see node-oracle.ts.
export { fromNode, loadNodeAnswers, nodeWASI } from './node-oracle';

export const FIXTURES = join(__dirname, 'fixtures');

const modules = new Map<string, WebAssembly.Module>();

/** A compiled fixture (tests/api/fixtures/<name>.wasm, built from the .wat next to it by build-fixtures.sh). */
export function fixture(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (m === undefined) {
    m = new WebAssembly.Module(readFileSync(join(FIXTURES, `${name}.wasm`)));
    modules.set(name, m);
  }
  return m;
}

/** Instantiates a fixture against a WASI's import object (or none). */
export function instantiate(name: string, wasi?: { getImportObject(): object }): WebAssembly.Instance {
  return new WebAssembly.Instance(fixture(name), (wasi?.getImportObject() ?? {}) as WebAssembly.Imports);
}

/**
 * Everything observable about how a call ended, for side-by-side comparison with node:wasi. Errors are compared
 * by name, code, message, own enumerable keys (`code`; `errno`/`code`/`syscall` for uvwasi errors) and their
 * string form; not by identity of their constructor, since node:wasi's errors come from the realm outside jest's
 * sandbox, nor by stack (jest installs its own stack formatter, so Node's `TypeError [CODE]:` stack head only
 * shows outside jest).
 */
export type Outcome =
  | { kind: 'returned'; value: unknown }
  | { kind: 'threw'; name: string; code: unknown; message: string; keys: string[]; string: string; extra: Record<string, unknown> }
  | { kind: 'threw-value'; value: string };

export function outcome(f: () => unknown): Outcome {
  try {
    const value = f();
    return { kind: 'returned', value: typeof value === 'object' && value !== null ? 'object' : value };
  } catch (e) {
    if (typeof e === 'object' && e !== null && 'message' in e && 'stack' in e) {
      const err = e as Error & { code?: unknown; errno?: unknown; syscall?: unknown };
      return {
        kind: 'threw',
        name: err.name,
        code: err.code,
        message: err.message,
        keys: Object.keys(err),
        string: String(err),
        extra: { errno: err.errno, syscall: err.syscall },
      };
    }
    return { kind: 'threw-value', value: typeof e === 'symbol' ? 'symbol' : String(e) };
  }
}
