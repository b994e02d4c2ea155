/**
 * Composition with inversify in the browser build: the `modules` and `container` options (hosts that compose with
 * DI). The browser build of @vos/wasi loads no inversify of its own (docs/decisions.md, "The browser build without
 * inversify"): the page's inversify (imported here) makes the containers and reads @vos/wasi's structural modules,
 * and `modules` needs a `container` of the page's. A deterministic program's output through each path must be the
 * output of the `deterministic` option.
 */
import { Container, ContainerModule, inject, injectable } from 'inversify';
import { WASI, TOKENS, clockModule, randomModule, defaultModules, deterministicModule, mountsModule, type WASIOptions } from '@vos/wasi';
import type { Clock } from '@vos/core';
import { CollectorSink } from '@vos/stdio';
import { MemoryFileSystem } from '@vos/fs-memory';
import { SeededRandom } from '@vos/random';
import { FakeClock } from '@vos/clock';
import { compileUrl } from '../lib/run-program';
import { expect, runAndReport, test } from '../harness';

const PROGRAM = '/tests/wasm/bin/deterministic.wasm';

async function run(options: Partial<WASIOptions>): Promise<{ stdout: string; exitCode: number }> {
  const stdout = new CollectorSink();
  const wasi = new WASI({ version: 'preview1', args: ['deterministic'], stdio: { stdin: '', stdout, stderr: 'null' }, returnOnExit: true, ...options } as WASIOptions);
  const instance = new WebAssembly.Instance(await compileUrl(PROGRAM), wasi.getImportObject() as WebAssembly.Imports);
  const exitCode = wasi.start(instance);
  return { stdout: stdout.text(), exitCode };
}

test('modules: deterministicModule gives the output of the deterministic option', async () => {
  const expected = await run({ deterministic: true });
  expect(expected.exitCode).toBe(0);
  expect(expected.stdout.length).toBeGreaterThan(0);
  expect(await run({ container: new Container(), modules: [deterministicModule()] })).toEqual(expected);
});

test('modules without container: ERR_MISSING_OPTION naming options.container (the browser build has no inversify)', async () => {
  let caught: unknown;
  try {
    await run({ modules: [deterministicModule()] });
  } catch (err) {
    caught = err;
  }
  expect(caught instanceof TypeError).toBe(true);
  expect((caught as { code?: string }).code).toBe('ERR_MISSING_OPTION');
  expect((caught as Error).message).toMatch(/^options\.container is required with options\.modules in the browser build of @vos\/wasi/);
});

test('container: a host container\'s bindings are used, and the defaults fill the rest', async () => {
  const expected = await run({ deterministic: { seed: 7 } });
  const container = new Container();
  container.bind(TOKENS.Random).toDynamicValue(() => new SeededRandom(7));
  container.bind(TOKENS.Clock).toDynamicValue(() => new FakeClock({}));
  expect(await run({ container })).toEqual(expected);
});

test('mountsModule: a namespace composed in a module, with a host module of its own', async () => {
  const root = new MemoryFileSystem({ clock: new FakeClock({}) });
  let made = 0;
  const counting = new ContainerModule(({ bind }) => {
    bind(TOKENS.Random).toDynamicValue(() => {
      made++;
      return new SeededRandom(0);
    });
  });
  const got = await run({ container: new Container(), modules: [mountsModule({ '/': root }), counting] });
  expect(got.exitCode).toBe(0);
  expect(got.stdout).toContain('random');
  expect(made).toBe(1);
});

test("the page's container loads and unloads @vos/wasi's modules (ids of their own, apart from inversify's)", async () => {
  const container = new Container();
  container.loadSync(...defaultModules);
  expect(container.isBound(TOKENS.Clock)).toBe(true);
  const own = new ContainerModule(({ bind }) => {
    bind('own').toConstantValue(1);
  });
  container.loadSync(own);
  await container.unload(clockModule);
  expect(container.isBound(TOKENS.Clock)).toBe(false);
  expect(container.isBound(TOKENS.Random)).toBe(true);
  expect(container.isBound('own')).toBe(true);
  container.unloadSync(own);
  expect(container.isBound('own')).toBe(false);
  expect(container.isBound(TOKENS.Stdio)).toBe(true);
  container.unloadSync(randomModule);
  await container.load(deterministicModule());
  expect(await run({ container })).toEqual(await run({ deterministic: true }));
});

test('a decorated class (@injectable, @inject) as a provider: the Reflect metadata API comes with inversify', async () => {
  class EpochClock {
    constructor(readonly inner: Clock) {}
  }
  // The decorators as functions (the page's bundler is not asked for TypeScript's decorator transform).
  inject(TOKENS.Clock)(EpochClock, undefined, 0);
  injectable()(EpochClock);
  const container = new Container();
  container.bind(TOKENS.Clock).toConstantValue(new FakeClock({}));
  container.bind(EpochClock).toSelf();
  expect(container.get(EpochClock).inner instanceof FakeClock).toBe(true);
  expect(typeof Reflect.getOwnMetadata).toBe('function');
});

runAndReport();
