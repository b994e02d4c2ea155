import { inspect, types } from 'node:util';
import { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS } from './abi/functions';
import { PREVIEW1_LAYOUT, UNSTABLE_LAYOUT } from './abi/layouts';
import type { AdapterOptions } from './adapter';
import { SyscallContext } from './context';
import { preview1Imports } from './preview1';
import { unstableImports } from './unstable';

/** A context whose import objects are looked at, never called. */
function context(layout = PREVIEW1_LAYOUT): SyscallContext {
  const config = { args: [], env: [], preopens: [], clock: {} as never, random: {} as never, stdio: {} as never };
  return new SyscallContext(config, layout, () => { throw new Error('not started'); });
}

type Made = (options: AdapterOptions) => Record<string, (...a: unknown[]) => number>;
const preview1: Made = (options) => preview1Imports(context(), options) as unknown as ReturnType<Made>;
const unstable: Made = (options) => unstableImports(context(UNSTABLE_LAYOUT), options) as unknown as ReturnType<Made>;

/**
 * The import object is what node:wasi's `wasiImport` is: a plain object whose every function is an own,
 * enumerable, writable, configurable data property, in table order (docs/decisions.md, "Import objects").
 */
describe.each([
  ['generated', {}],
  ['interpreted', { interpretOnly: true }],
])('import objects (%s)', (_kind, options) => {
  test.each([
    ['preview1', PREVIEW1_FUNCTIONS, preview1],
    ['snapshot 0', UNSTABLE_FUNCTIONS, unstable],
  ] as const)('%s: a plain object with every function as an own data property, in table order', (_name, table, make) => {
    const imports = make(options);
    expect(types.isProxy(imports)).toBe(false);
    expect(Object.getPrototypeOf(imports)).toBe(Object.prototype);
    expect(Object.keys(imports)).toEqual(Object.keys(table));
    for (const name of Object.keys(table)) {
      expect(Object.getOwnPropertyDescriptor(imports, name)).toEqual({ value: imports[name], writable: true, enumerable: true, configurable: true });
      expect(typeof imports[name]).toBe('function');
      if (!('interpretOnly' in options)) {
        // The generated functions are methods: named after the syscall, its arity, no `prototype` object.
        expect([imports[name].name, imports[name].length]).toEqual([name, table[name as keyof typeof table].length]);
        expect(Object.prototype.hasOwnProperty.call(imports[name], 'prototype')).toBe(false);
      }
    }
    expect(Object.keys({ ...imports })).toEqual(Object.keys(table));
    expect(inspect(imports)).toMatch(/args_get: \[Function: (args_get|adapted)\]/);
  });

  test('each instance has its own functions, bound to its own context', () => {
    const a = preview1(options);
    const b = preview1(options);
    expect(a.fd_write).not.toBe(b.fd_write);
    expect(a).not.toBe(b);
  });
});
