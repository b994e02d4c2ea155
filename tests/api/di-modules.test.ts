/**
 * @vos/wasi's container modules are structural (`{ id, load }`, packages/wasi/src/inversify-interop.ts), so that
 * loading @vos/wasi evaluates no inversify code (docs/decisions.md, "The browser build without inversify"). They
 * must still be modules to inversify 7: loadable with `loadSync` and `load`, unloadable with `unload`/`unloadSync`
 * (which remove exactly their bindings), with ids that never meet inversify's own.
 */
import { Container, ContainerModule } from 'inversify';
import {
  TOKENS,
  WASI,
  clockModule,
  defaultModules,
  deterministicModule,
  fsModule,
  mountsModule,
  randomModule,
  settingsModule,
  stdioModule,
  MOUNTS,
} from '@vos/wasi';
import { FakeClock } from '@vos/clock';
import { SeededRandom } from '@vos/random';
import { instantiate } from './helpers';

const ALL_TOKENS = [TOKENS.Clock, TOKENS.Random, TOKENS.Stdio, TOKENS.HostDirectory, TOKENS.Settings];

test('defaultModules are the five default modules, in order, each one frozen { id, load }', () => {
  expect(defaultModules).toEqual([clockModule, randomModule, stdioModule, fsModule, settingsModule]);
  for (const m of defaultModules) {
    expect(Object.keys(m).sort()).toEqual(['id', 'load']);
    expect(Object.isFrozen(m)).toBe(true);
  }
});

test('ids: distinct negative half-integers, never one of inversify\'s (integers)', () => {
  const ours = [...defaultModules, deterministicModule(), deterministicModule(), mountsModule({})].map((m) => m.id);
  expect(new Set(ours).size).toBe(ours.length);
  for (const id of ours) {
    expect(id).toBeLessThan(0);
    expect(id % 1).toBe(-0.5);
  }
  const theirs = new ContainerModule(() => undefined).id;
  expect(Number.isInteger(theirs)).toBe(true);
});

test('loadSync binds every default; unloadSync of one module removes its bindings only', () => {
  const container = new Container();
  container.loadSync(...defaultModules);
  expect(ALL_TOKENS.map((t) => container.isBound(t))).toEqual([true, true, true, true, true]);
  const own = new ContainerModule(({ bind }) => {
    bind('own').toConstantValue(1);
  });
  container.loadSync(own);
  container.unloadSync(clockModule, fsModule);
  expect(ALL_TOKENS.map((t) => container.isBound(t))).toEqual([false, true, true, false, true]);
  expect(container.get('own')).toBe(1);
  container.unloadSync(own);
  expect(container.isBound('own')).toBe(false);
  expect(container.isBound(TOKENS.Random)).toBe(true);
});

test('load and unload (async) work the same', async () => {
  const container = new Container();
  await container.load(clockModule, randomModule);
  expect(container.get<FakeClock | object>(TOKENS.Clock)).toBeDefined();
  await container.unload(clockModule);
  expect(container.isBound(TOKENS.Clock)).toBe(false);
  expect(container.isBound(TOKENS.Random)).toBe(true);
});

test('deterministicModule and mountsModule in a host container: loaded, resolved, unloaded', () => {
  const container = new Container();
  const det = deterministicModule({ seed: 3 });
  const mounts = mountsModule({ '/': { kind: 'not resolved here' } as never });
  container.loadSync(det, mounts);
  expect(container.get(TOKENS.Clock)).toBeInstanceOf(FakeClock);
  expect(container.get(TOKENS.Random)).toBeInstanceOf(SeededRandom);
  expect(Object.keys(container.get<Record<string, unknown>>(MOUNTS))).toEqual(['/']);
  container.unloadSync(det);
  expect(container.isBound(TOKENS.Clock)).toBe(false);
  expect(container.isBound(MOUNTS)).toBe(true);
});

test('a host container with our modules loaded composes a WASI (the deterministic clock reaches the guest)', () => {
  const container = new Container();
  container.loadSync(deterministicModule({ epoch: 1_000_000_000_000n }));
  const wasi = new WASI({ version: 'preview1', container });
  const instance = instantiate('reactor', wasi);
  wasi.initialize(instance);
  expect((instance.exports.now as () => bigint)()).toBe(1_000_000_000_000n);
});

test('Node.js builds still make a container for `modules` without `container`', () => {
  const wasi = new WASI({ version: 'preview1', modules: [deterministicModule({ epoch: 7n })] });
  const instance = instantiate('reactor', wasi);
  wasi.initialize(instance);
  expect((instance.exports.now as () => bigint)()).toBe(7n);
});
