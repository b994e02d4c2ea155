/**
 * A small jest-compatible test runtime for pages in Chromium: `describe`, `test`/`it` (with `.skip` and `.each`),
 * `beforeEach`/`afterEach`/`beforeAll`/`afterAll` and the `expect` matchers our shared suites use. It lets the same
 * suite files (the filesystem behaviour suite, the goldens) run in the browser unchanged. Tests run one at a time,
 * in declaration order; each result goes to `window.__vosResults`, which the Node-side runner (run.js) reads.
 */

export interface TestResult {
  name: string;
  status: 'passed' | 'failed' | 'skipped';
  error?: string;
  ms: number;
}

type Fn = () => unknown | Promise<unknown>;
interface Block {
  name: string;
  parent: Block | null;
  children: (Block | Case)[];
  beforeEach: Fn[];
  afterEach: Fn[];
  beforeAll: Fn[];
  afterAll: Fn[];
}
interface Case {
  name: string;
  fn: Fn | null; // null: skipped
  timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const root: Block = newBlock('', null);
let current = root;

function newBlock(name: string, parent: Block | null): Block {
  return { name, parent, children: [], beforeEach: [], afterEach: [], beforeAll: [], afterAll: [] };
}

function format(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%[sdpij]/g, () => (i < args.length ? String(args[i++]) : ''));
}

export function describe(name: string, fn: () => void): void {
  const block = newBlock(name, current);
  current.children.push(block);
  const saved = current;
  current = block;
  try {
    fn();
  } finally {
    current = saved;
  }
}
describe.each = <T extends readonly unknown[] | unknown>(rows: readonly T[]) =>
  (name: string, fn: (...args: any[]) => void): void => {
    for (const row of rows) {
      const args = Array.isArray(row) ? row : [row];
      describe(format(name, args), () => fn(...args));
    }
  };
describe.skip = (name: string, _fn: () => void): void => {
  current.children.push({ name, fn: null, timeoutMs: 0 });
};

function addTest(name: string, fn: Fn | null, timeoutMs = DEFAULT_TIMEOUT_MS): void {
  current.children.push({ name, fn, timeoutMs });
}
export const test = Object.assign(
  (name: string, fn: Fn, timeoutMs?: number) => addTest(name, fn, timeoutMs),
  {
    skip: (name: string, _fn?: Fn) => addTest(name, null),
    each: <T>(rows: readonly T[]) => (name: string, fn: (...args: any[]) => unknown, timeoutMs?: number) => {
      for (const row of rows) {
        const args = Array.isArray(row) ? row : [row];
        addTest(format(name, args), () => fn(...args), timeoutMs);
      }
    },
  },
);
export const it = test;
export const beforeEach = (fn: Fn): void => void current.beforeEach.push(fn);
export const afterEach = (fn: Fn): void => void current.afterEach.push(fn);
export const beforeAll = (fn: Fn): void => void current.beforeAll.push(fn);
export const afterAll = (fn: Fn): void => void current.afterAll.push(fn);

// ---- expect ----

class AssertionError extends Error {}

function show(v: unknown): string {
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'string') return JSON.stringify(v.length > 400 ? v.slice(0, 400) + '…' : v);
  if (v instanceof Uint8Array) return `Uint8Array[${Array.from(v.subarray(0, 32)).join(',')}${v.length > 32 ? ',…' : ''}]`;
  try {
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return s === undefined ? String(v) : s.length > 400 ? s.slice(0, 400) + '…' : s;
  } catch {
    return String(v);
  }
}

/** Jest's `toEqual`: recursive equality, ignoring undefined properties; typed arrays, Maps, Sets and Dates by value. */
export function deepEqual(a: unknown, b: unknown, strict = false): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (strict && Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b) || a.constructor !== b.constructor) return false;
    const x = a as unknown as ArrayLike<unknown>;
    const y = b as unknown as ArrayLike<unknown>;
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
    return true;
  }
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof Map || b instanceof Map) {
    if (!(a instanceof Map) || !(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k), strict)) return false;
    return true;
  }
  if (a instanceof Set || b instanceof Set) {
    if (!(a instanceof Set) || !(b instanceof Set) || a.size !== b.size) return false;
    for (const k of a) if (!b.has(k)) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && a.length !== (b as unknown[]).length) return false;
  const keys = (o: object) => Object.keys(o).filter((k) => strict || (o as Record<string, unknown>)[k] !== undefined);
  const ka = keys(a);
  const kb = keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.hasOwnProperty.call(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], strict)) return false;
  }
  return true;
}

type Matchers = {
  toBe(expected: unknown): void;
  toEqual(expected: unknown): void;
  toStrictEqual(expected: unknown): void;
  toBeUndefined(): void;
  toBeDefined(): void;
  toBeNull(): void;
  toBeTruthy(): void;
  toBeFalsy(): void;
  toBeGreaterThan(n: number | bigint): void;
  toBeGreaterThanOrEqual(n: number | bigint): void;
  toBeLessThan(n: number | bigint): void;
  toBeLessThanOrEqual(n: number | bigint): void;
  toContain(item: unknown): void;
  toHaveLength(n: number): void;
  toMatch(re: RegExp | string): void;
  toThrow(expected?: RegExp | string | (new (...a: any[]) => unknown)): void;
};

/** For two different multi-line strings: the first line where they differ, with its number. */
function firstDifference(a: unknown, b: unknown): string {
  if (typeof a !== 'string' || typeof b !== 'string' || negateless(a, b)) return '';
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `\n  first difference at line ${i + 1}:\n    actual:   ${show(x[i])}\n    expected: ${show(y[i])}`;
  }
  return '';
}
function negateless(a: string, b: string): boolean {
  return a === b;
}

function matchers(actual: unknown, negate: boolean): Matchers {
  const check = (pass: boolean, what: string, expected?: unknown): void => {
    if (pass === negate) throw new AssertionError(`expected ${show(actual)} ${negate ? 'not ' : ''}${what}${negate ? '' : firstDifference(actual, expected)}`);
  };
  return {
    toBe: (e) => check(Object.is(actual, e), `to be ${show(e)}`, e),
    toEqual: (e) => check(deepEqual(actual, e), `to equal ${show(e)}`),
    toStrictEqual: (e) => check(deepEqual(actual, e, true), `to strictly equal ${show(e)}`),
    toBeUndefined: () => check(actual === undefined, 'to be undefined'),
    toBeDefined: () => check(actual !== undefined, 'to be defined'),
    toBeNull: () => check(actual === null, 'to be null'),
    toBeTruthy: () => check(!!actual, 'to be truthy'),
    toBeFalsy: () => check(!actual, 'to be falsy'),
    toBeGreaterThan: (n) => check((actual as number) > n, `to be > ${show(n)}`),
    toBeGreaterThanOrEqual: (n) => check((actual as number) >= n, `to be >= ${show(n)}`),
    toBeLessThan: (n) => check((actual as number) < n, `to be < ${show(n)}`),
    toBeLessThanOrEqual: (n) => check((actual as number) <= n, `to be <= ${show(n)}`),
    toContain: (item) =>
      check(
        typeof actual === 'string' ? actual.includes(item as string) : Array.from(actual as Iterable<unknown>).includes(item),
        `to contain ${show(item)}`,
      ),
    toHaveLength: (n) => check((actual as { length: number }).length === n, `to have length ${n}`),
    toMatch: (re) => check(typeof actual === 'string' && (typeof re === 'string' ? actual.includes(re) : re.test(actual)), `to match ${re}`),
    toThrow: (e) => {
      let thrown: unknown;
      let threw = false;
      try {
        (actual as () => unknown)();
      } catch (err) {
        threw = true;
        thrown = err;
      }
      const message = thrown instanceof Error ? thrown.message : String(thrown);
      const ok =
        threw &&
        (e === undefined ||
          (typeof e === 'string' ? message.includes(e) : e instanceof RegExp ? e.test(message) : thrown instanceof e));
      if (ok === negate) throw new AssertionError(`expected function ${negate ? 'not ' : ''}to throw${e ? ` ${e}` : ''}${threw ? ` (threw ${message})` : ''}`);
    },
  };
}

export function expect(actual: unknown): Matchers & { not: Matchers } {
  return Object.assign(matchers(actual, false), { not: matchers(actual, true) });
}

// ---- running ----

function withTimeout<T>(p: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${name}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function errorText(err: unknown): string {
  if (err instanceof AssertionError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}${err.stack ? `\n${err.stack.split('\n').slice(1, 6).join('\n')}` : ''}`;
  return String(err);
}

async function runBlock(block: Block, path: string[], results: TestResult[]): Promise<void> {
  const hooks = (pick: (b: Block) => Fn[], order: 'outer-first' | 'inner-first'): Fn[] => {
    const chain: Block[] = [];
    for (let b: Block | null = block; b; b = b.parent) chain.push(b);
    if (order === 'outer-first') chain.reverse();
    return chain.flatMap(pick);
  };
  for (const fn of block.beforeAll) await fn();
  for (const child of block.children) {
    if ('children' in child) {
      await runBlock(child, [...path, child.name], results);
      continue;
    }
    const name = [...path, child.name].filter(Boolean).join(' › ');
    if (child.fn === null) {
      results.push({ name, status: 'skipped', ms: 0 });
      continue;
    }
    const t0 = performance.now();
    let error: string | undefined;
    try {
      for (const fn of hooks((b) => b.beforeEach, 'outer-first')) await fn();
      await withTimeout(Promise.resolve().then(child.fn), child.timeoutMs, name);
    } catch (err) {
      error = errorText(err);
    }
    try {
      for (const fn of hooks((b) => b.afterEach, 'inner-first')) await fn();
    } catch (err) {
      error ??= `afterEach: ${errorText(err)}`;
    }
    results.push({ name, status: error === undefined ? 'passed' : 'failed', ms: performance.now() - t0, ...(error ? { error } : {}) });
  }
  for (const fn of block.afterAll) await fn();
}

/** Installs describe/test/it/expect/hooks as globals, for suite files written against jest's globals. */
export function installGlobals(): void {
  Object.assign(globalThis, { describe, test, it, expect, beforeEach, afterEach, beforeAll, afterAll });
}

/** Runs everything registered so far and publishes the results for the runner (`window.__vosResults`). */
export async function runAndReport(): Promise<TestResult[]> {
  const results: TestResult[] = [];
  try {
    await runBlock(root, [], results);
  } catch (err) {
    results.push({ name: '(suite setup)', status: 'failed', error: errorText(err), ms: 0 });
  }
  (globalThis as unknown as { __vosResults: TestResult[] }).__vosResults = results;
  return results;
}

/** Publishes a failure that happened before any test could run (a bundle that failed to load, a missing API). */
export function reportFatal(err: unknown): void {
  (globalThis as unknown as { __vosResults: TestResult[] }).__vosResults = [
    { name: '(page)', status: 'failed', error: errorText(err), ms: 0 },
  ];
}
