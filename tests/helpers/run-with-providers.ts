/**
 * Runs a committed wasm test program under `@vos/wasi` with providers given as objects (a clock, a random
 * source, a `Stdio`), bound through the `modules` option: the way a host replaces a provider.
 */
import * as fs from 'node:fs';
import { ContainerModule } from 'inversify';
import type { Clock, RandomSource, Stdio } from '@vos/core';
import { TOKENS, WASI } from '@vos/wasi';
import { wasmPath } from './run-wasi';

export interface ProviderRun {
  clock?: Clock;
  random?: RandomSource;
  stdio: Stdio;
  args?: string[];
  /** Extra modules, loaded after the provider bindings above. */
  modules?: ContainerModule[];
}

const Wasm = (globalThis as unknown as {
  WebAssembly: { compile(bytes: Uint8Array): Promise<object>; instantiate(m: object, imports: object): Promise<object> };
}).WebAssembly;

const compiled = new Map<string, Promise<object>>();

/** Runs `tests/wasm/bin/<program>.wasm` to its end; returns the exit code and the wall time in ms. */
export async function runWith(program: string, run: ProviderRun): Promise<{ exitCode: number; wallMs: number }> {
  let mod = compiled.get(program);
  if (mod === undefined) compiled.set(program, (mod = Wasm.compile(fs.readFileSync(wasmPath(program)))));
  const bindings = new ContainerModule(({ bind }) => {
    if (run.clock) bind(TOKENS.Clock).toConstantValue(run.clock);
    if (run.random) bind(TOKENS.Random).toConstantValue(run.random);
    bind(TOKENS.Stdio).toConstantValue(run.stdio);
  });
  const wasi = new WASI({
    version: 'preview1',
    args: run.args ?? [program],
    returnOnExit: true,
    modules: [bindings, ...(run.modules ?? [])],
  });
  const instance = await Wasm.instantiate(await mod, wasi.getImportObject());
  const t0 = process.hrtime.bigint();
  const exitCode = wasi.start(instance);
  return { exitCode, wallMs: Number(process.hrtime.bigint() - t0) / 1e6 };
}
