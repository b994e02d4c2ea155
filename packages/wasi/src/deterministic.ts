import type { ContainerModule } from 'inversify';
import { TOKENS } from '@vos/core';
import { FakeClock, type TimeInput } from '@vos/clock';
import { SeededRandom, type Seed } from '@vos/random';
import { containerModule } from './inversify-interop';

export interface DeterministicOptions {
  /** Realtime at the start of the run. Default 2000-01-01T00:00:00Z. */
  epoch?: TimeInput;
  /** Seed of `random_get`. Default 0. */
  seed?: Seed;
}

/**
 * Time and randomness for reproducible runs: a `FakeClock` at a fixed epoch (sleeps take no wall time, and the
 * guest sees exactly the time it slept) and a `SeededRandom`. Both are transient bindings, so every WASI
 * composed with this module starts from the same epoch and the same seed: two runs of one program observe the
 * same clock readings and random bytes. To keep a handle on the clock (to `advance` it from a test), bind your
 * own `FakeClock` with `toConstantValue` instead.
 */
export function deterministicModule(options: DeterministicOptions = {}): ContainerModule {
  return containerModule(({ bind }) => {
    bind(TOKENS.Clock).toDynamicValue(() => deterministicProviders(options).clock);
    bind(TOKENS.Random).toDynamicValue(() => deterministicProviders(options).random);
  });
}

/** The clock and randomness of the `deterministic` option, as plain objects (what `deterministicModule` binds). */
export function deterministicProviders(options: DeterministicOptions = {}): { clock: FakeClock; random: SeededRandom } {
  const { epoch, seed } = options;
  return { clock: new FakeClock(epoch === undefined ? {} : { start: epoch }), random: new SeededRandom(seed ?? 0) };
}
