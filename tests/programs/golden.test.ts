/**
 * Runs every wasm test program under @vos/wasi and compares stdout (exactly) and the exit code with the
 * golden files, which state wasmtime's behaviour.
 */
import { WASI } from '@vos/wasi';
import { golden, runProgram, wasmPath } from '../helpers/run-wasi';
import { CASES } from './cases';

describe('wasm programs under @vos/wasi match the goldens', () => {
  it.each(CASES.map((c) => [c.golden, c] as const))('%s', async (_name, c) => {
    const result = await runProgram(WASI, wasmPath(c.program), c.options);
    expect(result.error).toBeUndefined();
    expect(result.stdout).toBe(golden(c.golden));
    expect(result.exitCode).toBe(c.exitCode);
  });
});
