import { inspect, types } from 'node:util';
import type { SyscallContext } from './context';
import { importSpec, lazyImportObject, type ImportMaker } from './import-object';

const NAMES = ['args_get', 'fd_write', 'proc_exit', 'random_get'];

function make(): { imports: Record<string, (...a: unknown[]) => number>; made: string[] } {
  const made: string[] = [];
  const makers: Record<string, ImportMaker> = {};
  for (const name of NAMES) {
    makers[name] = (ctx) => {
      made.push(name);
      const fn = (): number => (ctx as unknown as { id: number }).id;
      Object.defineProperty(fn, 'name', { value: name });
      return fn;
    };
  }
  const ctx = { id: 7 } as unknown as SyscallContext;
  return { imports: lazyImportObject(importSpec(makers), ctx), made };
}

describe('lazyImportObject', () => {
  test('makes a function at its first read, once, and only the ones read', () => {
    const { imports, made } = make();
    expect(made).toEqual([]);
    const w = imports.fd_write;
    expect(imports.fd_write).toBe(w);
    expect(w()).toBe(7);
    expect(made).toEqual(['fd_write']);
    expect(imports.nope).toBeUndefined();
    expect('proc_exit' in imports && !('nope' in imports)).toBe(true);
    expect(made).toEqual(['fd_write']);
  });

  test('WebAssembly.Instance makes only what the module imports', () => {
    // (module (import "wasi_snapshot_preview1" "proc_exit" (func (param i32))))
    const bytes = Uint8Array.from([
      0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 1, 127, 0, 2, 36, 1, 22, 119, 97, 115, 105, 95, 115, 110, 97, 112, 115,
      104, 111, 116, 95, 112, 114, 101, 118, 105, 101, 119, 49, 9, 112, 114, 111, 99, 95, 101, 120, 105, 116, 0, 0,
    ]);
    const { imports, made } = make();
    new WebAssembly.Instance(new WebAssembly.Module(bytes), { wasi_snapshot_preview1: imports });
    expect(made).toEqual(['proc_exit']);
  });

  test('looks like a plain object with every function as an own data property, in table order', () => {
    const { imports, made } = make();
    void imports.random_get;
    expect(Object.keys(imports)).toEqual(NAMES);
    expect(made.sort()).toEqual([...NAMES].sort());
    expect(Object.getOwnPropertyDescriptor(imports, 'args_get')).toEqual({ value: imports.args_get, writable: true, enumerable: true, configurable: true });
    expect(Object.getPrototypeOf(imports)).toBe(Object.prototype);
    expect(Object.keys({ ...imports })).toEqual(NAMES);
    expect(JSON.stringify(imports)).toBe('{}');
    expect(types.isProxy(imports)).toBe(true); // the one visible difference (docs/node-wasi-differences.md)
  });

  test('assignment, deletion and definition work as on a plain object', () => {
    const { imports } = make();
    const mine = (): number => 42;
    imports.fd_write = mine;
    expect(imports.fd_write).toBe(mine);
    expect(delete imports.args_get).toBe(true);
    expect('args_get' in imports).toBe(false);
    expect(imports.args_get).toBeUndefined();
    Object.defineProperty(imports, 'extra', { value: 1, enumerable: true, configurable: true });
    expect(Object.keys(imports)).toEqual(['fd_write', 'proc_exit', 'random_get', 'extra']);
  });

  test('spread first makes every function', () => {
    const { imports, made } = make();
    const copy = { ...imports };
    expect(Object.keys(copy)).toEqual(NAMES);
    expect(made.length).toBe(NAMES.length);
    expect(copy.proc_exit).toBe(imports.proc_exit);
  });

  test('can be frozen, and then reports Object.prototype as its real prototype', () => {
    const { imports } = make();
    Object.freeze(imports);
    expect(Object.isFrozen(imports)).toBe(true);
    expect(Object.getPrototypeOf(imports)).toBe(Object.prototype);
    expect(Object.keys(imports)).toEqual(NAMES);
  });

  test('util.inspect prints the whole object', () => {
    const { imports } = make();
    expect(inspect(imports)).toBe(inspect({ ...imports }));
    expect(inspect(imports)).toMatch(/args_get: \[Function: args_get\]/);
  });
});
