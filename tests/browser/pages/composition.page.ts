/**
 * Composition with inversify in the browser build: the `modules` and `container` options (hosts that compose with
 * DI), which the browser build supports as Node's does (until now no browser test composed through inversify).
 * A deterministic program's output through each path must be the output of the `deterministic` option.
 */
import { Container, ContainerModule } from 'inversify';
import { WASI, TOKENS, deterministicModule, mountsModule, type WASIOptions } from '@vos/wasi';
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
  expect(await run({ modules: [deterministicModule()] })).toEqual(expected);
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
  const got = await run({ modules: [mountsModule({ '/': root }), counting] });
  expect(got.exitCode).toBe(0);
  expect(got.stdout).toContain('random');
  expect(made).toBe(1);
});

runAndReport();
