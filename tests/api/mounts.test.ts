import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { createNodeFileSystem } from '@vos/fs-node';
import { SystemClock } from '@vos/clock';

/** The vos-only `mounts` option: a namespace of backends, preopened at `/`, composed in one constructor call. */
const hello = fs.readFileSync(path.join(__dirname, '../../examples/hello/hello.wasm'));

function run(options: ConstructorParameters<typeof WASI>[0]): { code: number; out: string } {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-mounts-out-'));
  const outFile = path.join(tmp, 'out');
  const out = fs.openSync(outFile, 'w');
  try {
    const wasi = new WASI({ ...options, stdout: out });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(hello), wasi.getImportObject() as WebAssembly.Imports);
    const code = wasi.start(instance);
    return { code, out: fs.readFileSync(outFile, 'utf8') };
  } finally {
    fs.closeSync(out);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

let top: string;
beforeEach(() => {
  top = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-mounts-'));
  fs.mkdirSync(path.join(top, 'root'));
  fs.mkdirSync(path.join(top, 'box'));
});
afterEach(() => fs.rmSync(top, { recursive: true, force: true }));

test('a guest writes through a mount at /sandbox into its backend, and lists the namespace', () => {
  const { code, out } = run({
    version: 'preview1',
    args: ['hello', '/sandbox'],
    mounts: { '/': path.join(top, 'root'), '/sandbox': createNodeFileSystem(path.join(top, 'box')) },
  });
  expect(code).toBe(0);
  expect(out).toContain('read back: written inside the sandbox');
  expect(out).toContain('reading /sandbox/../../../etc/passwd from the guest: refused');
  expect(fs.readFileSync(path.join(top, 'box', 'greeting.txt'), 'utf8')).toBe('written inside the sandbox\n');
  expect(fs.existsSync(path.join(top, 'root', 'sandbox', 'greeting.txt'))).toBe(false);
});

test('mount options are validated with errors naming the option', () => {

  expect(() => new WASI({ version: 'preview1', mounts: { rel: path.join(top, 'box') } })).toThrow(/options\.mounts\['rel'\]/);
  expect(() => new WASI({ version: 'preview1', mounts: { '/': 42 as never } })).toThrow(/options\.mounts\['\/'\].*FileSystem/);
  expect(() => new WASI({ version: 'preview1', mountPreopens: ['/'] })).toThrow(/options\.mountPreopens/);
  expect(() => new WASI({ version: 'preview1', mounts: { '/': path.join(top, 'missing') } })).toThrow();
});

test('without a mount at /, the root is a fresh in-memory filesystem; factories get the instance clock', () => {
  const { MemoryFileSystem } = require('@vos/fs-memory') as typeof import('@vos/fs-memory');
  let made: InstanceType<typeof MemoryFileSystem> | undefined;
  const { code, out } = run({
    version: 'preview1',
    args: ['hello', '/sandbox'],
    mounts: { '/sandbox': ({ clock }) => (made = new MemoryFileSystem({ clock })) },
  });
  expect(code).toBe(0);
  expect(out).toContain('read back: written inside the sandbox');
  expect(made!.toObject({ text: true })).toEqual({ 'greeting.txt': 'written inside the sandbox\n' });
  expect(fs.readdirSync(path.join(top, 'root'))).toEqual([]);
});

test('the same world composed in a container module (mountsModule), with other providers swapped alongside', () => {
  const { MemoryFileSystem } = require('@vos/fs-memory') as typeof import('@vos/fs-memory');
  const { mountsModule, deterministicModule } = require('@vos/wasi') as typeof import('@vos/wasi');
  const box = new MemoryFileSystem({ clock: new SystemClock() });
  const { code, out } = run({
    version: 'preview1',
    args: ['hello', '/sandbox'],
    modules: [deterministicModule(), mountsModule({ '/sandbox': box }, ['/sandbox'])],
  });
  expect(code).toBe(0);
  expect(out).toContain('read back: written inside the sandbox');
  expect(box.toObject({ text: true })).toEqual({ 'greeting.txt': 'written inside the sandbox\n' });
});
