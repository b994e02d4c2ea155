/**
 * node:wasi's constructor validation, side by side: every bad option is given to both node:wasi and @vos/wasi
 * and the two outcomes (class name, code, message, own keys, string form, stack head) must be identical.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from '@vos/wasi';
import { NODE_WASI_FLAGS } from '../helpers/child';
import { fromNode, loadNodeAnswers, nodeWASI, outcome } from './helpers';

const P = { version: 'preview1' } as const;

// One directory for this process and its node:wasi child (the child inherits the variable), so that both see
// the same paths in the options.
const inherited = process.env.VOS_API_VALIDATION_DIR;
const dir = inherited ?? mkdtempSync(join(tmpdir(), 'vos-wasi-api-'));
process.env.VOS_API_VALIDATION_DIR = dir;
writeFileSync(join(dir, 'file'), 'x');
beforeAll(() => loadNodeAnswers(__filename), 120_000);
afterAll(() => {
  if (inherited === undefined) rmSync(dir, { recursive: true, force: true });
});

function sameAsNode(options: unknown): void {
  const ours = outcome(() => new WASI(options as never));
  expect(ours).toEqual(fromNode(() => outcome(() => new (nodeWASI() as any)(options))));
}

/** Values of every type, for the `Received ...` formatting. */
const anything: [string, unknown][] = [
  ['undefined', undefined], ['null', null], ['0', 0], ['-0', -0], ['5', 5], ['1.5', 1.5], ['1e21', 1e21],
  ['-1e-7', -1e-7], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity], ['true', true],
  ['false', false], ['empty string', ''], ['string', 'x'], ['string with quote', "it's"],
  ['string with both quotes', 'a\'b"c'], ['long string', 'a'.repeat(40)], ['28 chars', 'b'.repeat(28)],
  ['29 chars', 'c'.repeat(29)], ['newline string', 'x\ny'], ['symbol', Symbol('s')],
  ['long symbol', Symbol('d'.repeat(40))], ['bigint', 10n], ['huge bigint', 123456789012345678901234567890n],
  ['named function', function named() {}], ['anonymous function', () => {}], ['class', class K {}],
  ['object', {}], ['array', []], ['Map', new Map()], ['RegExp', /re/], ['Date', new Date(0)],
  ['null-prototype object', Object.create(null)], ['anonymous class instance', new (class {})()],
  ['named class instance', new (class Foo {})()], ['Set', new Set()], ['array-like', { length: 0 }],
  ['object with a nameless constructor', { constructor: {} }], ['object with a number constructor', { constructor: 5 }],
  ['object with a string constructor', { constructor: 'x' }], ['Proxy', new Proxy({}, {})],
];

describe('options', () => {
  test.each(anything)('options = %s', (_label, value) => sameAsNode(value));
  test('no options at all', () => expect(outcome(() => new (WASI as any)())).toEqual(fromNode(() => outcome(() => new (nodeWASI() as any)()))));
});

describe('options.version (required, a string, preview1 | unstable)', () => {
  test.each(anything)('version = %s', (_label, value) => sameAsNode({ version: value }));
  test.each(['x', 'Preview1', 'preview2', 'wasi_unstable', ' preview1', 'x'.repeat(200)])('version = %j', (v) => sameAsNode({ version: v }));
  test.each(['preview1', 'unstable'])('version = %j is accepted', (v) => sameAsNode({ version: v }));
});

describe('options.args (an Array; elements go through String())', () => {
  test.each(anything.filter(([, v]) => v !== undefined))('args = %s', (_label, value) => sameAsNode({ ...P, args: value }));
  test.each([[1], [null], [undefined], [{}], [Symbol('x')], [1n], ['a', 'b']])('args element %p is accepted', (...el) =>
    sameAsNode({ ...P, args: el }),
  );
  test('an element whose toString throws', () =>
    sameAsNode({ ...P, args: [{ toString() { throw new Error('boom'); } }] }));
});

describe('options.env (an object; KEY=${value} for each value !== undefined)', () => {
  test.each(anything.filter(([, v]) => v !== undefined))('env = %s', (_label, value) => sameAsNode({ ...P, env: value }));
  test.each([{ A: 1 }, { A: null }, { A: undefined }, { A: {} }, { 'A=B': 'c' }, { A: true }, { [Symbol('s')]: 'x' }])(
    'env %p is accepted',
    (env) => sameAsNode({ ...P, env }),
  );
  test('a Symbol value', () => sameAsNode({ ...P, env: { A: Symbol('x') } }));
});

describe('options.preopens (an object; guest path -> host directory, checked at construction)', () => {
  test.each(anything.filter(([, v]) => v !== undefined))('preopens = %s', (_label, value) => sameAsNode({ ...P, preopens: value }));
  test.each([1, null, undefined, {}, '/nonexistent/vos'])('host path %p does not exist', (host) =>
    sameAsNode({ ...P, preopens: { '/a': host } }),
  );
  test('host path is a file', () => sameAsNode({ ...P, preopens: { '/a': join(dir, 'file') } }));
  test('host path is a directory', () => sameAsNode({ ...P, preopens: { '/a': dir, '/b': '.' } }));
  test('a missing preopen is reported before a bad returnOnExit', () =>
    sameAsNode({ ...P, preopens: { '/a': '/nonexistent/vos' }, returnOnExit: 5 }));
});

describe('options.returnOnExit (a boolean)', () => {
  test.each(anything.filter(([, v]) => v !== undefined))('returnOnExit = %s', (_label, value) =>
    sameAsNode({ ...P, returnOnExit: value }),
  );
  test.each([true, false])('returnOnExit = %p is accepted', (v) => sameAsNode({ ...P, returnOnExit: v }));
});

describe.each(['stdin', 'stdout', 'stderr'])('options.%s (an int32 >= 0, an open host fd)', (name) => {
  test.each(anything.filter(([, v]) => v !== undefined))(`${name} = %s`, (_label, value) => sameAsNode({ ...P, [name]: value }));
  test.each([-1, 2 ** 31, -(2 ** 31) - 1, 2 ** 32, 2 ** 32 + 1, 2 ** 40, -(2 ** 40), 4294967296.5, 1e300, -0.5, 2 ** 31 - 1, 1000, 0, 1, 2])(
    `${name} = %p`,
    (value) => sameAsNode({ ...P, [name]: value }),
  );
});

describe('precedence between bad options follows node', () => {
  test.each([
    { version: 5, args: 5 },
    { ...P, args: 5, env: 5 },
    { ...P, env: 5, preopens: 5 },
    { ...P, preopens: 5, stdin: 'x' },
    { ...P, stdin: 'x', stdout: 'x' },
    { ...P, stdout: -1, returnOnExit: 5 },
    { ...P, stderr: 1000, returnOnExit: 5 },
  ])('%p', (options) => sameAsNode(options));
});

describe('vos-only options', () => {
  test('container must be an inversify Container', () => {
    expect(() => new WASI({ ...P, container: {} as never })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: 'The "options.container" property must be an instance of Container. Received an instance of Object' }),
    );
  });
  test.each([
    [{ args: ['ok', 'a\0b'] }, "options.args[1]"],
    [{ env: { 'K\0': 'v' } }, "options.env key 'K\\u0000'"],
    [{ env: { K: 'v\0' } }, "options.env['K']"],
    [{ preopens: { '/a\0': '.' } }, "options.preopens key '/a\\u0000'"],
    [{ preopens: { '/a': '.\0' } }, "options.preopens['/a']"],
    [{ mounts: { '/m\0': '.' } }, "options.mounts['/m\\u0000']"],
    [{ mounts: { '/m': '.\0' } }, "options.mounts['/m']"],
    [{ mounts: { '/m': '.' }, mountPreopens: ['/m\0'] }, 'options.mountPreopens[]'],
  ])('a NUL byte in a host string is refused naming the option (%j)', (options, name) => {
    expect(() => new WASI({ ...P, ...(options as object) })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE', message: expect.stringContaining(`The property '${name}' must not contain a NUL byte`) }),
    );
  });
  test('modules must be an array of ContainerModules', () => {
    expect(() => new WASI({ ...P, modules: 5 as never })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => new WASI({ ...P, modules: [5] as never })).toThrow(
      expect.objectContaining({ message: 'The "options.modules[]" property must be an instance of ContainerModule. Received type number (5)' }),
    );
  });
});

test('outside jest, the stack heads match node too (`TypeError [CODE]: ...` for JS-side errors)', () => {
  const script = `
    const { WASI } = require('@vos/wasi');
    const { WASI: NodeWASI } = require('node:wasi');
    const cases = [{ version: 5 }, { version: 'x' }, { version: 'preview1', stdin: -1 }, { version: 'preview1', preopens: { '/a': '/nonexistent/vos' } }];
    const head = (W, o) => { try { new W(o); return 'no error'; } catch (e) { return e.stack.split('\\n')[0]; } };
    const start = (W) => { try { new W({ version: 'preview1' }).start({ exports: {} }); } catch (e) { return e.stack.split('\\n')[0]; } };
    console.log(JSON.stringify([cases.map((o) => head(WASI, o)).concat(start(WASI)), cases.map((o) => head(NodeWASI, o)).concat(start(NodeWASI))]));`;
  const r = spawnSync(process.execPath, [...NODE_WASI_FLAGS, '-r', join(__dirname, 'ts-register.js'), '--no-warnings', '-e', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  const [ours, node] = JSON.parse(r.stdout) as string[][];
  expect(ours).toEqual(node);
  expect(ours[0]).toBe('TypeError [ERR_INVALID_ARG_TYPE]: The "options.version" property must be of type string. Received type number (5)');
});
