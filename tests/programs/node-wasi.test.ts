/**
 * Runs the wasm test programs under Node's own `node:wasi`, proving the harness and the programs now, before
 * @vos/wasi runs. Each golden (wasmtime's behaviour) is turned into node:wasi's expected output by applying the
 * documented differences (node-differences.ts, mirrored in tests/wasm/NODE_WASI_DIFFERENCES.md); every other
 * line must agree exactly. A difference that appears or disappears fails this test, so the list stays true.
 */
import { WASI } from 'node:wasi';
import { golden, runProgram, wasmPath } from '../helpers/run-wasi';
import { CASES } from './cases';
import { NODE_DIFFERENCES, NODE_SKIPPED, NODE_TIMING_DEPENDENT } from './node-differences';

/** Drops the lines whose node:wasi value depends on timing (see NODE_TIMING_DEPENDENT). */
function withoutTimingLines(program: string, text: string): string {
  const prefixes = NODE_TIMING_DEPENDENT[program] ?? [];
  return text.split('\n').filter((l) => !prefixes.some((p) => l.startsWith(p))).join('\n');
}

/** The golden with node:wasi's known differences applied, line by line. */
function nodeExpected(name: string): string {
  const swaps = new Map<string, string | null>(NODE_DIFFERENCES[name] ?? []);
  const out: string[] = [];
  for (const line of golden(name).split('\n')) {
    if (!swaps.has(line)) out.push(line);
    else if (swaps.get(line) !== null) out.push(swaps.get(line) as string);
  }
  return out.join('\n');
}

const process_ = process as NodeJS.Process & { emitWarning: (...args: unknown[]) => void };

describe('wasm programs under node:wasi', () => {
  beforeAll(() => {
    // node:wasi prints an ExperimentalWarning once; keep the test output clean.
    const original = process_.emitWarning;
    process_.emitWarning = (warning: unknown, ...rest: unknown[]) => {
      if (String(warning).includes('WASI')) return;
      original.call(process, warning, ...rest);
    };
  });

  const runnable = CASES.filter((c) => !(c.program in NODE_SKIPPED));
  it.each(runnable.map((c) => [c.golden, c] as const))('%s agrees with the golden except where documented', async (_n, c) => {
    const result = await runProgram(WASI, wasmPath(c.program), c.options);
    expect(result.error).toBeUndefined();
    expect(withoutTimingLines(c.program, result.stdout)).toBe(withoutTimingLines(c.program, nodeExpected(c.golden)));
    expect(result.exitCode).toBe(c.exitCode);
  });

  it('documents a reason for every skipped program', () => {
    for (const [name, why] of Object.entries(NODE_SKIPPED)) {
      expect(CASES.some((c) => c.program === name)).toBe(true);
      expect(why.length).toBeGreaterThan(10);
    }
  });

  it('writes stderr to the host fd given as stderr', async () => {
    const result = await runProgram(WASI, wasmPath('stdio'), { stdin: 'x\n' });
    expect(result.stderr).toBe('to stderr\n');
  });
});
