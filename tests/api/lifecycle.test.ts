/**
 * start(), initialize(), getImportObject(), wasiImport and returnOnExit, side by side with node:wasi wherever
 * Node 20 has the behaviour (finalizeBindings is Node 22's and is checked against its documented rules).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcExit, WASI } from '@vos/wasi';
import { FIXTURES, fromNode, instantiate, loadNodeAnswers, nodeWASI, outcome } from './helpers';

type AnyWASI = { start(i: object): unknown; initialize(i: object): unknown; getImportObject(): Record<string, any>; wasiImport: Record<string, any> };
const makers: [string, (options?: object) => AnyWASI][] = [
  ['vos', (o) => new WASI({ version: 'preview1', ...o }) as unknown as AnyWASI],
  // Only ever called inside fromNode(), i.e. in the child process that records node:wasi's answers.
  ['node', (o) => new (nodeWASI() as any)({ version: 'preview1', ...o }) as AnyWASI],
];
const vos = makers[0][1];
const node = makers[1][1];

beforeAll(() => loadNodeAnswers(__filename), 120_000);

/** Runs the same scenario against both and expects the same outcome (node:wasi's, from a child process). */
function sameAsNode(scenario: (make: (options?: object) => AnyWASI) => unknown): void {
  expect(outcome(() => scenario(vos))).toEqual(fromNode(() => outcome(() => scenario(node))));
}

const badModules = [
  'return', 'no-start', 'no-memory', 'memory-not-memory', 'start-and-initialize', 'start-not-function',
  'initialize-not-function', 'trap',
];

describe('start(instance)', () => {
  test.each(badModules)('module %s', (name) => sameAsNode((make) => { const w = make(); return w.start(instantiate(name, w)); }));

  test('returns 0 when _start returns', () => {
    const w = vos();
    const instance = instantiate('return', w);
    expect(w.start(instance)).toBe(0);
    expect(new Int32Array((instance.exports.memory as WebAssembly.Memory).buffer)[0]).toBe(1);
  });

  test.each([0, 7, 255, 256, -1, 2 ** 31 - 1, -(2 ** 31)])('returns the proc_exit code %p as node does', (code) =>
    sameAsNode((make) => {
      const w = make();
      const instance = instantiate('exit', w);
      new Int32Array((instance.exports.memory as WebAssembly.Memory).buffer)[0] = code;
      return w.start(instance);
    }),
  );

  test('wasi_unstable guests exit too', () => {
    const run = (make: (o?: object) => AnyWASI) => {
      const w = make({ version: 'unstable' });
      const instance = instantiate('exit-unstable', w);
      new Int32Array((instance.exports.memory as WebAssembly.Memory).buffer)[0] = 3;
      return w.start(instance);
    };
    expect(run(vos)).toBe(3);
    expect(fromNode(() => run(node))).toBe(3);
  });

  test('a trap other than proc_exit reaches the caller', () => {
    const w = vos();
    expect(() => w.start(instantiate('trap', w))).toThrow(WebAssembly.RuntimeError);
  });
});

describe('initialize(instance)', () => {
  test.each(badModules)('module %s', (name) => sameAsNode((make) => { const w = make(); return w.initialize(instantiate(name, w)); }));

  test('runs _initialize, after which the exports can make syscalls', () => {
    const w = vos();
    const instance = instantiate('reactor', w);
    expect(w.initialize(instance)).toBeUndefined();
    expect(new Int32Array((instance.exports.memory as WebAssembly.Memory).buffer)[0]).toBe(42);
    expect((instance.exports.now as () => bigint)()).toBeGreaterThan(0n);
  });

  test('proc_exit outside start() propagates to the caller (node throws a Symbol, vos a ProcExit)', () => {
    const w = vos();
    const instance = instantiate('reactor', w);
    w.initialize(instance);
    expect(() => (instance.exports.exit as (c: number) => void)(5)).toThrow(ProcExit);
  });
});

describe('instances that are not WebAssembly.Instance objects', () => {
  const mem = () => new WebAssembly.Memory({ initial: 1 });
  const cases: [string, () => unknown][] = [
    ['undefined', () => undefined], ['null', () => null], ['a number', () => 5], ['a string', () => 'x'],
    ['an array', () => []], ['a function', () => () => {}], ['{}', () => ({})], ['exports null', () => ({ exports: null })],
    ['exports a number', () => ({ exports: 5 })], ['exports an array', () => ({ exports: [] })],
    ['exports a function', () => ({ exports: function exports() {} })], ['no memory', () => ({ exports: {} })],
    ['memory a plain object', () => ({ exports: { memory: {} } })],
    ['memory look-alike', () => ({ exports: { memory: { buffer: new ArrayBuffer(8) }, _start() {} } })],
    ['memory look-alike with a tag', () => ({ exports: { memory: { [Symbol.toStringTag]: 'WebAssembly.Memory', buffer: new ArrayBuffer(8) }, _start() {} } })],
    ['good', () => ({ exports: { memory: mem(), _start() {} } })],
    ['_start returns a value', () => ({ exports: { memory: mem(), _start() { return 9; } } })],
    ['_start a number', () => ({ exports: { memory: mem(), _start: 5 } })],
    ['_initialize a number', () => ({ exports: { memory: mem(), _start() {}, _initialize: 5 } })],
    ['_initialize null', () => ({ exports: { memory: mem(), _start() {}, _initialize: null } })],
    ['reactor', () => ({ exports: { memory: mem(), _initialize() {} } })],
    ['reactor with _start null', () => ({ exports: { memory: mem(), _start: null } })],
  ];
  test.each(cases)('start: %s', (_label, make) => sameAsNode((m) => m().start(make() as object)));
  test.each(cases)('initialize: %s', (_label, make) => sameAsNode((m) => m().initialize(make() as object)));

  test('instance.exports is read three times, memory once, as node does', () => {
    const counts = (make: (o?: object) => AnyWASI, method: 'start' | 'initialize') => {
      let exportsReads = 0;
      let memoryReads = 0;
      const memory = new WebAssembly.Memory({ initial: 1 });
      const exported = method === 'start' ? { _start() {} } : {};
      const instance = {
        get exports() {
          exportsReads++;
          return { get memory() { memoryReads++; return memory; }, ...exported };
        },
      };
      make()[method](instance);
      return [exportsReads, memoryReads];
    };
    for (const method of ['start', 'initialize'] as const) expect(counts(vos, method)).toEqual(fromNode(() => counts(node, method)));
  });
});

describe('start/initialize only once', () => {
  const good = () => ({ exports: { memory: new WebAssembly.Memory({ initial: 1 }), _start() {} } });
  const reactor = () => ({ exports: { memory: new WebAssembly.Memory({ initial: 1 }) } });
  test.each<[string, (w: AnyWASI) => unknown]>([
    ['start twice', (w) => { w.start(good()); return w.start(good()); }],
    ['start after a start that failed validation', (w) => { try { w.start({}); } catch { /* counted as started */ } return w.start(good()); }],
    ['start after a start given a number', (w) => { try { w.start(5 as never); } catch { /* idem */ } return w.start(good()); }],
    ['initialize twice', (w) => { w.initialize(reactor()); return w.initialize(reactor()); }],
    ['initialize then start', (w) => { w.initialize(reactor()); return w.start(good()); }],
    ['start then initialize', (w) => { w.start(good()); return w.initialize(reactor()); }],
    ['already started wins over a bad instance', (w) => { w.start(good()); return w.start(5 as never); }],
  ])('%s', (_label, scenario) => sameAsNode((make) => scenario(make())));
});

describe('wasiImport before start', () => {
  test.each<[string, (imports: Record<string, any>) => unknown]>([
    ['fd_write', (i) => i.fd_write(1, 0, 0, 0)],
    ['args_sizes_get', (i) => i.args_sizes_get(0, 4)],
    ['environ_get', (i) => i.environ_get(0, 4)],
    ['clock_time_get', (i) => i.clock_time_get(0, 1n, 0)],
    ['random_get', (i) => i.random_get(0, 4)],
  ])('%s throws ERR_WASI_NOT_STARTED', (_label, call) => sameAsNode((make) => call(make().wasiImport)));

  test('proc_exit throws a ProcExit (node throws its private kExitCode symbol)', () => {
    expect(() => vos().wasiImport.proc_exit(3)).toThrow(ProcExit);
  });
});

describe('imports', () => {
  test('getImportObject names the module after the version and returns a fresh object', () => {
    const facts = (make: (o?: object) => AnyWASI) => {
      const w1 = make();
      return {
        keys: Object.keys(w1.getImportObject()),
        fresh: w1.getImportObject() !== w1.getImportObject(),
        sameImport: w1.getImportObject().wasi_snapshot_preview1 === w1.wasiImport,
        unstableKeys: Object.keys(make({ version: 'unstable' }).getImportObject()),
      };
    };
    const expected = { keys: ['wasi_snapshot_preview1'], fresh: true, sameImport: true, unstableKeys: ['wasi_unstable'] };
    expect(facts(vos)).toEqual(expected);
    expect(fromNode(() => facts(node))).toEqual(expected);
  });

  test('wasiImport offers every function node:wasi does (snapshot 0 has no sock_accept, as in wasmtime)', () => {
    for (const version of ['preview1', 'unstable']) {
      const ours = Object.keys(vos({ version }).wasiImport);
      const theirs = fromNode(() => Object.keys(node({ version }).wasiImport)).filter((n) => version === 'preview1' || n !== 'sock_accept');
      for (const name of theirs) expect(ours).toContain(name);
    }
  });

  test('wasiImport is an own enumerable property, the methods are on the prototype', () => {
    expect(Object.keys(vos())).toEqual(fromNode(() => Object.keys(node())));
    for (const method of ['start', 'initialize', 'getImportObject']) expect(typeof (WASI.prototype as any)[method]).toBe('function');
  });
});

describe('args and env reach the guest as node:wasi passes them', () => {
  const read = (make: (o?: object) => AnyWASI, options: object) => {
    const w = make(options);
    const memory = new WebAssembly.Memory({ initial: 1 });
    w.initialize({ exports: { memory } });
    const u32 = new Uint32Array(memory.buffer);
    const text = (sizes: string, get: string) => {
      expect(w.wasiImport[sizes](0, 4)).toBe(0);
      expect(w.wasiImport[get](16, 1024)).toBe(0);
      return Buffer.from(memory.buffer, 1024, u32[1]).toString().split('\0');
    };
    return { argc: (text('args_sizes_get', 'args_get'), u32[0]), args: text('args_sizes_get', 'args_get'), env: text('environ_sizes_get', 'environ_get'), envc: u32[0] };
  };
  test('with no args and no env both calls succeed (wasmtime; uvwasi answers EINVAL to args_get/environ_get)', () => {
    const w = vos();
    const memory = new WebAssembly.Memory({ initial: 1 });
    w.initialize({ exports: { memory } });
    expect([w.wasiImport.args_sizes_get(0, 4), w.wasiImport.args_get(16, 1024)]).toEqual([0, 0]);
    expect([w.wasiImport.environ_sizes_get(0, 4), w.wasiImport.environ_get(16, 1024)]).toEqual([0, 0]);
    expect(Array.from(new Uint32Array(memory.buffer, 0, 2))).toEqual([0, 0]);
  });
  test.each([
    [{ args: ['prog', 'a b', ''], env: { HOME: '/h', EMPTY: '' } }],
    [{ args: ['only'], env: { ONLY: '1' } }],
    [{ args: [1, null, undefined, {}, 'x y'], env: { A: 1, B: null, C: {}, D: undefined, E: true, 'F=G': 'h', '': 'e', 'ü': 'é' } }],
  ])('%p', (options) => expect(read(vos, options)).toEqual(fromNode(() => read(node, options))));
});

describe('stdin/stdout/stderr name host fds', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'vos-wasi-stdio-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test.each(makers)('%s: the guest\'s fd 1 writes to options.stdout', (name, make) => {
    const run = () => {
      const path = join(dir, `${name}.out`);
      const fd = openSync(path, 'w');
      try {
        const w = make({ stdout: fd });
        return { code: w.start(instantiate('hello', w)), text: (closeSync(fd), readFileSync(path, 'utf8')) };
      } catch (err) {
        closeSync(fd);
        throw err;
      }
    };
    expect(name === 'node' ? fromNode(run) : run()).toEqual({ code: 0, text: 'hello\n' });
  });
});

describe('returnOnExit: false ends the process with the guest\'s code', () => {
  const script = (module: string, code: number) => `
    const { WASI } = require(${JSON.stringify(module)});
    const { readFileSync } = require('node:fs');
    const wasi = new WASI({ version: 'preview1', returnOnExit: false });
    const bytes = readFileSync(${JSON.stringify(join(FIXTURES, 'exit.wasm'))});
    const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), wasi.getImportObject());
    new Int32Array(instance.exports.memory.buffer)[0] = ${code};
    wasi.start(instance);
    console.log('not reached');`;
  const run = (module: string, code: number) => {
    // Without NODE_WASI_FLAGS: node:wasi's proc_exit(-1) exits 255 only on V8's fast-call path (on the slow path it
    // returns), and that path is node:wasi's real behaviour; one short run does not meet its crash.
    const r = spawnSync(process.execPath, ['-r', join(__dirname, 'ts-register.js'), '--no-warnings', '-e', script(module, code)], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout };
  };
  test.each([0, 7, 255, 256, -1])('code %p', (code) => {
    const ours = run('@vos/wasi', code);
    expect(ours).toEqual(run('node:wasi', code));
    expect(ours).toEqual({ status: code & 0xff, stdout: '' });
  });
});

describe('finalizeBindings (Node 22 API; Node 20 has none)', () => {
  const memory = () => new WebAssembly.Memory({ initial: 1 });
  const fresh = () => new WASI({ version: 'preview1' });

  test('binds instance.exports.memory without running anything, then syscalls work', () => {
    const w = fresh();
    let ran = false;
    const m = memory();
    w.finalizeBindings({ exports: { memory: m, _start() { ran = true; } } } as never);
    expect(ran).toBe(false);
    expect(w.wasiImport.args_sizes_get(0, 4)).toBe(0);
  });

  test('an explicit memory wins over the exported one', () => {
    const w = fresh();
    const m = memory();
    w.finalizeBindings({ exports: {} } as never, { memory: m });
    expect(w.wasiImport.random_get(0, 16)).toBe(0);
    expect(new Uint8Array(m.buffer, 0, 16).some((b) => b !== 0)).toBe(true);
  });

  test('marks the instance started', () => {
    const w = fresh();
    w.finalizeBindings({ exports: { memory: memory() } } as never);
    expect(() => w.start({ exports: { memory: memory(), _start() {} } })).toThrow(
      expect.objectContaining({ code: 'ERR_WASI_ALREADY_STARTED', message: 'WASI instance has already started' }),
    );
    expect(() => w.finalizeBindings({ exports: { memory: memory() } } as never)).toThrow(expect.objectContaining({ code: 'ERR_WASI_ALREADY_STARTED' }));
  });

  test.each<[string, unknown, unknown, string]>([
    ['instance null', null, undefined, 'The "instance" argument must be of type object. Received null'],
    ['instance undefined', undefined, undefined, 'The "instance" argument must be of type object. Received undefined'],
    ['exports missing', {}, undefined, 'The "instance.exports" property must be of type object. Received undefined'],
    ['no memory', { exports: {} }, undefined, 'The "memory" argument must be an WebAssembly.Memory. Received undefined'],
    ['memory look-alike', { exports: {} }, { buffer: new ArrayBuffer(8) }, 'The "memory" argument must be an WebAssembly.Memory. Received an instance of Object'],
  ])('%s', (_label, instance, mem, message) => {
    const w = fresh();
    const call = () => w.finalizeBindings(instance as never, mem === undefined ? undefined : ({ memory: mem } as never));
    expect(call).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', name: 'TypeError', message }));
    // Unlike start(), a failed finalizeBindings leaves the instance unstarted (Node 22).
    expect(w.initialize({ exports: { memory: memory() } })).toBeUndefined();
  });
});
