/**
 * Child-process half of node-wasi.test.ts: runs golden cases under node:wasi (see tests/helpers/child.ts for
 * why this never happens inside the jest worker). Takes the cases' golden names and the absolute directory of
 * the test modules; returns one result per case, JSON only.
 */
import * as path from 'node:path';
import { WASI } from 'node:wasi';
import { runProgram } from '../helpers/run-wasi';
import { CASES } from './cases';

export interface NodeRun {
  golden: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  error: string | null;
}

export async function runUnderNodeWasi(goldens: string[], wasmBin: string): Promise<NodeRun[]> {
  const out: NodeRun[] = [];
  for (const name of goldens) {
    const c = CASES.find((k) => k.golden === name);
    if (c === undefined) throw new Error(`no case ${name}`);
    const r = await runProgram(WASI, path.join(wasmBin, `${c.program}.wasm`), c.options);
    out.push({ golden: name, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, error: r.error ? String(r.error) : null });
  }
  return out;
}

/** The stdio program with stdin `x\n`: what node:wasi writes to the host fd given as stderr. */
export async function stderrOfStdio(wasmBin: string): Promise<string> {
  return (await runProgram(WASI, path.join(wasmBin, 'stdio.wasm'), { stdin: 'x\n' })).stderr;
}
