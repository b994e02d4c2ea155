import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS } from './abi/functions';
import { PREVIEW1_LAYOUT, UNSTABLE_LAYOUT } from './abi/layouts';
import { adaptImports, type Impl } from './adapter';
import { ADAPTER_MODULES_FILE, renderAdapterModules } from './adapter-codegen';
import { PREVIEW1_IMPL } from './preview1';
import { unstableImports } from './unstable';
import { SyscallContext } from './context';

describe('adapter modules generated at build time', () => {
  test('adapter-modules.generated.ts is what the generator makes from the current ABI tables', () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', '..', ADAPTER_MODULES_FILE), 'utf8');
    // On failure: run `npm run build:adapters` and commit the file.
    expect(onDisk).toBe(renderAdapterModules());
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
    const source = renderAdapterModules();
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
