/**
 * The recording child of node-oracle.ts: runs a bundled test file with stand-ins for jest's globals and returns
 * what its `fromNode` calls computed. Assertions are no-ops here; only node:wasi's answers matter.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { bind } = require('jest-each') as { bind: (cb: (name: string, fn: (...a: unknown[]) => unknown) => void, supportsDone?: boolean) => (table: unknown) => (title: string, fn: (...a: unknown[]) => unknown) => void };

type Fn = (...args: unknown[]) => unknown;
interface Block { name: string; tests: { name: string; fn: Fn }[]; children: Block[]; beforeAll: Fn[]; afterAll: Fn[]; beforeEach: Fn[]; afterEach: Fn[] }

/** An `expect` whose every matcher (and `.not`, `.resolves`...) accepts anything. */
function lenientExpect(): unknown {
  // Not a thenable (`then` is undefined): a test body that returns `expect(...).toBe(...)` must not hang an await.
  const chain: unknown = new Proxy(() => chain, { get: (_t, key) => (key === 'then' ? undefined : chain), apply: () => chain });
  const matcherFactory = (): unknown => ({ asymmetricMatch: () => true });
  return new Proxy(() => chain, {
    apply: () => chain,
    get: (_t, key) => (key === 'getState' ? () => ({ currentTestName: '' }) : matcherFactory),
  });
}

export async function record(bundlePath: string): Promise<Record<string, string>> {
  const state = { recording: true, name: '', answers: {} as Record<string, string> };
  const g = globalThis as Record<string, unknown>;
  g.__vosNodeOracle = state;
  const root: Block = { name: '', tests: [], children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
  let current = root;
  const describe = (name: string, fn: Fn): void => {
    const block: Block = { name, tests: [], children: [], beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] };
    current.children.push(block);
    const parent = current;
    current = block;
    fn();
    current = parent;
  };
  const test = (name: string, fn: Fn): void => {
    current.tests.push({ name, fn });
  };
  const withEach = <T extends Fn>(f: T): T & { each: unknown; skip: T; only: T } =>
    Object.assign(f, { each: bind(f as never, f === (test as Fn)), skip: (() => {}) as unknown as T, only: f });
  g.describe = withEach(describe as Fn);
  g.test = withEach(test as Fn);
  g.it = g.test;
  g.beforeAll = (fn: Fn) => current.beforeAll.push(fn);
  g.afterAll = (fn: Fn) => current.afterAll.push(fn);
  g.beforeEach = (fn: Fn) => current.beforeEach.push(fn);
  g.afterEach = (fn: Fn) => current.afterEach.push(fn);
  g.expect = lenientExpect();
  g.jest = { setTimeout() {}, spyOn: () => ({ mockImplementation() { return this; }, mockRestore() {} }), fn: () => () => undefined };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(bundlePath);

  const run = async (block: Block, names: string[], eachBefore: Fn[], eachAfter: Fn[]): Promise<void> => {
    const path = block.name === '' ? names : [...names, block.name];
    const before = [...eachBefore, ...block.beforeEach];
    const after = [...block.afterEach, ...eachAfter];
    for (const f of block.beforeAll) await quietly(f);
    for (const t of block.tests) {
      state.name = [...path, t.name].join(' ');
      for (const f of before) await quietly(f);
      await quietly(t.fn);
      for (const f of after) await quietly(f);
    }
    for (const child of block.children) await run(child, path, before, after);
    for (const f of block.afterAll) await quietly(f);
  };
  await run(root, [], [], []);
  return state.answers;
}

/** Test bodies may fail here (their vos side is checked in jest); only the recorded answers matter. */
async function quietly(fn: Fn): Promise<void> {
  try {
    await fn();
  } catch {
    // ignored
  }
}
