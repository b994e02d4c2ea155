/**
 * node:wasi's answers for the side-by-side API tests, computed in a child process (nothing native runs inside
 * the jest worker; see tests/helpers/child.ts).
 *
 * A test writes the node:wasi side of a comparison as `fromNode(() => ...)` (any JSON-able value, usually an
 * `outcome`). Before its tests run, the file calls `loadNodeAnswers(__filename)` in `beforeAll`: a child process
 * loads the same test file with stand-ins for jest's globals (`describe`, `test`, `.each` through jest-each, so the
 * names are jest's own), runs every test body, and records what each `fromNode` computed, keyed by the test's
 * full name and the call's order in it. Back in jest, `fromNode` returns the recorded answer and never runs node:wasi.
 */
import * as path from 'node:path';
import { bundle, nodeWasiBaseline } from '../helpers/child';

interface OracleState {
  /** True in the recording child. */
  recording: boolean;
  /** Full name of the test running in the recording child. */
  name: string;
  answers: Record<string, string>;
}

const g = globalThis as unknown as { __vosNodeOracle?: OracleState };
const counters = new Map<string, number>();
let loaded: Record<string, string> | null = null;

function state(): OracleState | undefined {
  return g.__vosNodeOracle;
}

/** Whether this is the recording child (node:wasi may be used). */
export function recording(): boolean {
  return state()?.recording === true;
}

/** node:wasi's WASI class, available only while recording. */
export function nodeWASI(): new (options?: unknown) => unknown {
  if (!recording()) throw new Error('node:wasi is only used in the recording child: wrap the node side in fromNode()');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('node:wasi') as { WASI: new (options?: unknown) => unknown }).WASI;
}

const encode = (v: unknown): string =>
  JSON.stringify({ v }, (_k, x: unknown) => (typeof x === 'bigint' ? { __bigint: x.toString() } : x));
const decode = (s: string): unknown =>
  (JSON.parse(s, (_k, x: unknown) => (x !== null && typeof x === 'object' && '__bigint' in x ? BigInt((x as { __bigint: string }).__bigint) : x)) as { v: unknown }).v;

function currentName(): string {
  const s = state();
  if (s?.recording) return s.name;
  return (expect.getState().currentTestName ?? '').trim();
}

/** node:wasi's answer for this point of the current test (see the file comment). */
export function fromNode<T>(compute: () => T): T {
  const name = currentName();
  const n = counters.get(name) ?? 0;
  counters.set(name, n + 1);
  const key = `${name}#${n}`;
  const s = state();
  if (s?.recording) {
    const value = compute();
    s.answers[key] = encode(value);
    return value;
  }
  if (loaded === null) throw new Error('call loadNodeAnswers(__filename) in beforeAll first');
  if (!(key in loaded)) throw new Error(`no node:wasi answer was recorded for "${key}"`);
  return decode(loaded[key]) as T;
}

/** Records node:wasi's answers for every test of `testFile` in a child process. */
export async function loadNodeAnswers(testFile: string): Promise<void> {
  if (recording()) return;
  loaded = await nodeWasiBaseline<Record<string, string>>(path.join(__dirname, 'node-oracle.child.ts'), 'record', bundle(testFile));
}
