/**
 * Runs the wasm test programs under Node's own `node:wasi`, proving the harness and the programs now, before
 * @vos/wasi runs. Each golden (wasmtime's behaviour) is turned into node:wasi's expected output by applying the
 * documented differences (node-differences.ts, mirrored in tests/wasm/NODE_WASI_DIFFERENCES.md); every other
 * line must agree exactly. A difference that appears or disappears fails this test, so the list stays true.
 */
import * as path from 'node:path';
import { nodeWasiBaseline, nodeWasiBaselineSync } from '../helpers/child';
import { golden, WASM_BIN } from '../helpers/run-wasi';
import type { NodeRun } from './node-wasi.child';
import { CASES } from './cases';
import { NODE_DIFFERENCES, NODE_SKIPPED, NODE_TIMING_DEPENDENT } from './node-differences';

const CHILD = path.join(__dirname, 'node-wasi.child.ts');

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

/** Cases per child process: node:wasi is known to crash after many instantiations in one process. */
const BATCH = 6;

describe('wasm programs under node:wasi (each batch in a child process)', () => {
  const runnable = CASES.filter((c) => !(c.program in NODE_SKIPPED));
  const results = new Map<string, NodeRun>();
  beforeAll(async () => {
    const batches: string[][] = [];
    for (let i = 0; i < runnable.length; i += BATCH) batches.push(runnable.slice(i, i + BATCH).map((c) => c.golden));
    // Two at a time: the machine has two cores, and each child is a whole Node process.
    for (let i = 0; i < batches.length; i += 2) {
      const done = await Promise.all(batches.slice(i, i + 2).map((b) => nodeWasiBaseline<NodeRun[]>(CHILD, 'runUnderNodeWasi', b, WASM_BIN)));
      for (const r of done.flat()) results.set(r.golden, r);
    }
  }, 120_000);

  it.each(runnable.map((c) => [c.golden, c] as const))('%s agrees with the golden except where documented', (_n, c) => {
    const result = results.get(c.golden)!;
    expect(result.error).toBeNull();
    expect(withoutTimingLines(c.program, result.stdout)).toBe(withoutTimingLines(c.program, nodeExpected(c.golden)));
    expect(result.exitCode).toBe(c.exitCode);
  });

  it('documents a reason for every skipped program', () => {
    for (const [name, why] of Object.entries(NODE_SKIPPED)) {
      expect(CASES.some((c) => c.program === name)).toBe(true);
      expect(why.length).toBeGreaterThan(10);
    }
  });

  it('writes stderr to the host fd given as stderr', () => {
    expect(nodeWasiBaselineSync<string>(CHILD, 'stderrOfStdio', WASM_BIN)).toBe('to stderr\n');
  });
});
