/**
 * The examples of docs/writing-a-provider.md that the other tests do not run: the writable key-value store
 * (StoreFileSystem) and the quota layer (ForwardingFileSystem), each through @vos/fs-testkit and a real guest.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';
import { MemoryFileSystem } from '@vos/fs-memory';
import { FakeClock } from '@vos/clock';
import { WASI } from '@vos/wasi';
import { KeyValueFileSystem } from '../../docs/examples/kv-file-system';
import { QuotaLayer } from '../../docs/examples/quota-layer';

describeFileSystemBehaviour('KeyValueFileSystem (docs example)', () => ({ fs: new KeyValueFileSystem() }), {
  capabilities: { rename: false, times: false },
});

describeFileSystemBehaviour('QuotaLayer over MemoryFileSystem (docs example, quota not reached)', () => ({
  fs: new QuotaLayer(new MemoryFileSystem({ clock: new FakeClock() }), 1 << 30),
}));

function run(args: string[], mount: object): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-provider-'));
  const out = fs.openSync(path.join(tmp, 'out'), 'w');
  try {
    const wasi = new WASI({ version: 'preview1', args: ['vostest', ...args], mounts: { '/d': mount as never }, mountPreopens: ['/d'], stdout: out, stderr: out });
    const wasm = fs.readFileSync(path.join(__dirname, '../cli/fixtures/vostest.wasm'));
    wasi.start(new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject() as WebAssembly.Imports));
    return fs.readFileSync(path.join(tmp, 'out'), 'utf8');
  } finally {
    fs.closeSync(out);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

test('a guest writes, lists and reads back files in the key-value store; the store holds the bytes', () => {
  const kv = new KeyValueFileSystem();
  kv.kv.set('sub/', new Uint8Array(0));
  const text = run(['write', '/d/sub/a.txt', 'stored', 'cat', '/d/sub/a.txt', 'ls', '/d/sub', 'rm', '/d/sub/a.txt', 'ls', '/d/sub'], kv);
  expect(text).toContain('wrote /d/sub/a.txt\nstored\n');
  expect(text.match(/a\.txt/g)?.length).toBe(3); // wrote, and the first listing only
  expect(kv.kv.has('sub/a.txt')).toBe(false);
  const again = run(['write', '/d/b.txt', 'kept'], kv);
  expect(again).toContain('wrote /d/b.txt');
  expect(new TextDecoder().decode(kv.kv.get('b.txt'))).toBe('kept\n');
});

test('the quota layer refuses the write that would pass its limit (ENOSPC), and counts what it let through', () => {
  const layer = new QuotaLayer(new MemoryFileSystem({ clock: new FakeClock() }), 4);
  const text = run(['write', '/d/small', 'ab', 'write', '/d/big', 'too many bytes', 'cat', '/d/small', 'cat', '/d/big'], layer);
  expect(text).toContain('ab\n');
  expect(text).not.toContain('too many');
  expect(layer.written).toBe(3);
});
