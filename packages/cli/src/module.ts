import { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS } from '@vos/core';

/**
 * Loading and checking a module before it runs: every reason it cannot run becomes one line naming what is
 * wrong (`ModuleError`, exit status 1), instead of a LinkError or a TypeError from deep inside `WASI`.
 */

// The compile target's libs (ES2022, @types/node 20) carry no WebAssembly types; this is all we use.
export interface WasmModule {
  readonly __brand?: 'WebAssembly.Module';
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface ModuleDescriptor {
  readonly module: string;
  readonly name: string;
  readonly kind: string;
}
interface WebAssemblyApi {
  Module: { new (bytes: Uint8Array): WasmModule; imports(m: WasmModule): ModuleDescriptor[]; exports(m: WasmModule): Omit<ModuleDescriptor, 'module'>[] };
  Instance: new (m: WasmModule, imports: object) => WasmInstance;
  RuntimeError: new (...args: unknown[]) => Error;
}
export const Wasm = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** The module cannot be run as asked: exit status 1. */
export class ModuleError extends Error {
  override readonly name = 'ModuleError';
}

export type ImportModule = 'wasi_snapshot_preview1' | 'wasi_unstable';

export interface CheckedModule {
  readonly module: WasmModule;
  /** The WASI version the module imports (preview1 when it imports nothing). */
  readonly importModule: ImportModule;
  readonly exports: ReadonlySet<string>;
}

const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

/** Compiles `bytes` and checks that vos provides every import. `name` is the path as given, for messages. */
export function checkModule(bytes: Uint8Array, name: string): CheckedModule {
  if (bytes.length < 8 || WASM_MAGIC.some((b, i) => bytes[i] !== b)) {
    const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
    const hint = head.startsWith('(module') ? ' (it looks like WebAssembly text: compile it with wat2wasm first)' : '';
    throw new ModuleError(`${name} is not a WebAssembly module: no \\0asm header${hint}`);
  }
  let compiled: WasmModule;
  try {
    compiled = new Wasm.Module(bytes);
  } catch (err) {
    throw new ModuleError(`${name} is not a valid WebAssembly module: ${(err as Error).message}`);
  }
  const imports = Wasm.Module.imports(compiled);
  const used = new Set(imports.map((i) => i.module).filter((m) => m === 'wasi_snapshot_preview1' || m === 'wasi_unstable'));
  if (used.size > 1) throw new ModuleError(`${name} imports both wasi_snapshot_preview1 and wasi_unstable; vos provides one per instance`);
  const importModule: ImportModule = used.has('wasi_unstable') ? 'wasi_unstable' : 'wasi_snapshot_preview1';
  const table: Record<string, unknown> = importModule === 'wasi_unstable' ? UNSTABLE_FUNCTIONS : PREVIEW1_FUNCTIONS;
  for (const imp of imports) {
    const what = `${imp.module}.${imp.name}`;
    if (imp.module !== importModule) throw new ModuleError(`${name} imports ${what} (a ${imp.kind}), which vos does not provide`);
    if (imp.kind !== 'function' || !Object.prototype.hasOwnProperty.call(table, imp.name)) {
      throw new ModuleError(`${name} imports ${what} (a ${imp.kind}), which is not a ${importModule} function`);
    }
  }
  const exported = new Set(Wasm.Module.exports(compiled).map((e) => e.name));
  return { module: compiled, importModule, exports: exported };
}
