/**
 * A `mounts` factory's result is checked against the whole FileSystem contract at construction (a half-made
 * backend fails there, not at the guest's first syscall), and the option checks that a construction's path now
 * tests inline (docs/decisions.md, "Less JavaScript per sandbox start") still throw node:wasi's errors.
 */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { FakeClock } from '@vos/clock';

const memory = () => new MemoryFileSystem({ clock: new FakeClock() });

test('a factory that returns a whole filesystem is mounted; one that returns anything else is refused, naming the mount', () => {
  expect(() => new WASI({ version: 'preview1', mounts: { '/sandbox': () => memory() }, mountPreopens: ['/sandbox'], stdio: { stdin: '', stdout: 'null', stderr: 'null' } })).not.toThrow();
  const broken = memory() as unknown as Record<string, unknown>;
  broken.openAt = undefined;
  for (const [result, why] of [
    [null, 'it is not an object'],
    [42, 'it is not an object'],
    [broken, 'it has no openAt() method'],
    [{ ...memory(), capabilities: undefined }, 'it has no openRoot() method'],
  ] as const) {
    expect(() => new WASI({ version: 'preview1', mounts: { '/sandbox': (() => result) as never }, mountPreopens: ['/sandbox'], stdio: { stdin: '', stdout: 'null', stderr: 'null' } }))
      .toThrow(new TypeError(`vos: what the factory of options.mounts['/sandbox'] returned is not a FileSystem: ${why}`));
  }
});

test.each([
  ['{ version: 1 }', { version: 1 }, 'ERR_INVALID_ARG_TYPE', 'options.version'],
  ['{ version: "preview2" }', { version: 'preview2' }, 'ERR_INVALID_ARG_VALUE', 'options.version'],
  ['{ version: "preview1", args: "a b" }', { version: 'preview1', args: 'a b' }, 'ERR_INVALID_ARG_TYPE', 'options.args'],
  ['{ version: "preview1", returnOnExit: 1 }', { version: 'preview1', returnOnExit: 1 }, 'ERR_INVALID_ARG_TYPE', 'options.returnOnExit'],
  ['{ version: "preview1", mounts: { "/m": memory() }, mountPreopens: "/m" }', { version: 'preview1', mounts: { '/m': memory() }, mountPreopens: '/m' }, 'ERR_INVALID_ARG_TYPE', 'options.mountPreopens'],
  ['{ version: "preview1", mounts: { "/m": memory() }, mountPreopens: [7] }', { version: 'preview1', mounts: { '/m': memory() }, mountPreopens: [7] }, 'ERR_INVALID_ARG_TYPE', 'options.mountPreopens[]'],
  ['{ version: "preview1", stdin: -1 }', { version: 'preview1', stdin: -1 }, 'ERR_OUT_OF_RANGE', 'options.stdin'],
  ['{ version: "preview1", stdout: 1.5 }', { version: 'preview1', stdout: 1.5 }, 'ERR_OUT_OF_RANGE', 'options.stdout'],
  ['{ version: "preview1", stderr: "2" }', { version: 'preview1', stderr: '2' }, 'ERR_INVALID_ARG_TYPE', 'options.stderr'],
])('%s is refused, naming the option', (_label, options, code, name) => {
  let err: unknown;
  try {
    new WASI(options as never);
  } catch (e) {
    err = e;
  }
  expect(err).toMatchObject({ code });
  expect(String((err as Error).message)).toMatch(new RegExp(`["']${name.replace(/[.[\]]/g, '\\$&')}["']`));
});

test('start refuses an instance whose _start is not a function or that also exports _initialize', () => {
  const memoryExport = new WebAssembly.Memory({ initial: 1 });
  const make = () => new WASI({ version: 'preview1', stdio: { stdin: '', stdout: 'null', stderr: 'null' } });
  expect(() => make().start({ exports: { memory: memoryExport, _start: 1 } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"instance.exports._start"') }));
  expect(() => make().start({ exports: { memory: memoryExport, _start() {}, _initialize() {} } })).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: expect.stringContaining('"instance.exports._initialize"') }));
  expect(make().start({ exports: { memory: memoryExport, _start() {} } })).toBe(0);
});
