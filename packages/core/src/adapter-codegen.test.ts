import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { types } from 'node:util';
import { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS } from './abi/functions';
import { PREVIEW1_LAYOUT, UNSTABLE_LAYOUT } from './abi/layouts';
import { adaptImports, type Impl, type ImportForm } from './adapter';
import { ADAPTER_MODULES_FILES, renderAdapterModules } from './adapter-codegen';
import { IMPORT_FORM } from './adapter-modules.generated';
import * as browserModules from './adapter-modules.generated.browser';
import { PREVIEW1_IMPL } from './preview1';
import { UNSTABLE_IMPL, unstableImports } from './unstable';
import { SyscallContext } from './context';

describe('adapter modules generated at build time', () => {
  test.each(['lazy', 'eager'] as const)('the %s modules on disk are what the generator makes from the current ABI tables', (form: ImportForm) => {
    const onDisk = readFileSync(join(__dirname, '..', '..', '..', ADAPTER_MODULES_FILES[form]), 'utf8');
    // On failure: run `npm run build:adapters` and commit the files.
    expect(onDisk).toBe(renderAdapterModules(form));
  });

  test('Node.js makes import objects lazily, browsers eagerly', () => {
    expect(IMPORT_FORM).toBe('lazy');
    expect(browserModules.IMPORT_FORM).toBe('eager');
  });

  test('every import function is named after its syscall and has its arity', () => {
    const config = { args: [], env: [], preopens: [], clock: {} as never, random: {} as never, stdio: {} as never };
    const ctx = new SyscallContext(config, PREVIEW1_LAYOUT, () => { throw new Error('not started'); });
    const imports = adaptImports(PREVIEW1_FUNCTIONS, PREVIEW1_IMPL as unknown as Record<string, Impl>, ctx);
    for (const [name, params] of Object.entries(PREVIEW1_FUNCTIONS)) {
      expect([imports[name].name, imports[name].length]).toEqual([name, params.length]);
    }
  });

  test('a table without a pregenerated module is generated at first use, with the same checks', () => {
    const table = { ...PREVIEW1_FUNCTIONS }; // another object: no pregenerated module for it
    const config = { args: ['a', 'bc'], env: [], preopens: [], clock: {} as never, random: {} as never, stdio: {} as never };
    const ctx = new SyscallContext(config, PREVIEW1_LAYOUT, () => { throw new Error('not started'); });
    ctx.mem.bind(new WebAssembly.Memory({ initial: 1 }));
    const imports = adaptImports(table, PREVIEW1_IMPL as unknown as Record<string, Impl>, ctx);
    expect(imports.args_sizes_get(0, 4)).toBe(0);
    expect(new Uint32Array((ctx.mem.u8.buffer as ArrayBuffer).slice(0, 8))).toEqual(Uint32Array.from([2, 5]));
    expect(imports.args_sizes_get(65536, 4)).toBe(21); // EFAULT
    expect(imports.args_sizes_get(0.5, 4)).toBe(28); // EINVAL
  });

  test('snapshot 0 shares the makers whose code is preview1\'s, each calling snapshot 0\'s implementation', () => {
    const source = renderAdapterModules('lazy');
    const unstable = source.slice(source.indexOf('export const UNSTABLE_ADAPTER'));
    // Only the functions whose layouts differ are generated again.
    expect(unstable.match(/^ {4}(\w+)\(ctx\) \{$/gm)?.map((l) => l.trim().replace('(ctx) {', ''))).toEqual(['fd_filestat_get', 'path_filestat_get', 'poll_oneoff']);
    const config = { args: [], env: [], preopens: [], clock: {} as never, random: {} as never, stdio: {} as never };
    const ctx = new SyscallContext(config, UNSTABLE_LAYOUT, () => { throw new Error('not started'); });
    const imports = unstableImports(ctx) as unknown as Record<string, (...a: unknown[]) => number>;
    for (const [name, params] of Object.entries(UNSTABLE_FUNCTIONS)) {
      expect([imports[name].name, imports[name].length]).toEqual([name, params.length]);
    }
    expect('sock_accept' in imports).toBe(false);
  });
});

/** The browsers' eager modules, run here through `adaptImports` as a browser build runs them. */
describe('eager import objects (the browser form)', () => {
  const config = { args: ['a', 'bc'], env: [], preopens: [], clock: {} as never, random: {} as never, stdio: {} as never };
  // A copy of each table: a key of its own in the adapter cache, so the module given here is the one used.
  const preview1 = (ctx: SyscallContext) =>
    adaptImports({ ...PREVIEW1_FUNCTIONS }, PREVIEW1_IMPL as unknown as Record<string, Impl>, ctx, {}, { layout: PREVIEW1_LAYOUT, module: browserModules.PREVIEW1_ADAPTER });

  test('a plain object with every function as an own enumerable writable configurable data property, in table order', () => {
    const imports = preview1(new SyscallContext(config, PREVIEW1_LAYOUT, () => { throw new Error('not started'); }));
    expect(types.isProxy(imports)).toBe(false);
    expect(Object.getPrototypeOf(imports)).toBe(Object.prototype);
    expect(Object.keys(imports)).toEqual(Object.keys(PREVIEW1_FUNCTIONS));
    for (const [name, params] of Object.entries(PREVIEW1_FUNCTIONS)) {
      expect(Object.getOwnPropertyDescriptor(imports, name)).toEqual({ value: imports[name], writable: true, enumerable: true, configurable: true });
      expect([imports[name].name, imports[name].length, 'prototype' in imports[name]]).toEqual([name, params.length, false]);
    }
  });

  test('each instance gets its own functions over its own context, with the same checks', () => {
    const ctx = new SyscallContext(config, PREVIEW1_LAYOUT, () => { throw new Error('not started'); });
    const imports = preview1(ctx);
    const other = preview1(new SyscallContext(config, PREVIEW1_LAYOUT, () => { throw new Error('not started'); }));
    expect(other.args_sizes_get).not.toBe(imports.args_sizes_get);
    expect(() => other.args_sizes_get(0, 4)).toThrow('not started');
    ctx.mem.bind(new WebAssembly.Memory({ initial: 1 }));
    expect(imports.args_sizes_get(0, 4)).toBe(0);
    expect(new Uint32Array((ctx.mem.u8.buffer as ArrayBuffer).slice(0, 8))).toEqual(Uint32Array.from([2, 5]));
    expect(imports.args_sizes_get(65536, 4)).toBe(21); // EFAULT
    expect(imports.args_sizes_get(0.5, 4)).toBe(28); // EINVAL
  });

  test('snapshot 0 takes preview1\'s functions where the code is the same, each calling snapshot 0\'s implementation', () => {
    const source = renderAdapterModules('eager');
    const unstable = source.slice(source.indexOf('export const UNSTABLE_ADAPTER'));
    expect(unstable.match(/^ {6}(\w+)\(a0[^)]*\) \{$/gm)?.map((l) => l.trim().replace(/\(.*/, ''))).toEqual(['fd_filestat_get', 'path_filestat_get', 'poll_oneoff']);
    const ctx = new SyscallContext(config, UNSTABLE_LAYOUT, () => { throw new Error('not started'); });
    const imports = adaptImports({ ...UNSTABLE_FUNCTIONS }, UNSTABLE_IMPL as unknown as Record<string, Impl>, ctx, {}, { layout: UNSTABLE_LAYOUT, module: browserModules.UNSTABLE_ADAPTER });
    expect(types.isProxy(imports)).toBe(false);
    expect(Object.keys(imports)).toEqual(Object.keys(UNSTABLE_FUNCTIONS));
    for (const [name, params] of Object.entries(UNSTABLE_FUNCTIONS)) {
      expect([imports[name].name, imports[name].length]).toEqual([name, params.length]);
    }
    ctx.mem.bind(new WebAssembly.Memory({ initial: 1 }));
    expect(imports.args_sizes_get(0, 4)).toBe(0); // a function from preview1's object, over this context
    expect(new Uint32Array((ctx.mem.u8.buffer as ArrayBuffer).slice(0, 8))).toEqual(Uint32Array.from([2, 5]));
  });
});
