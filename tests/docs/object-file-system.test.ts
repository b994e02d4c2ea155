/**
 * Runs the example provider of docs/writing-a-provider.md: the shared behaviour suite (as a read-only backend),
 * and a real wasm program reading through it, mounted in a namespace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { ObjectFileSystem } from '../../docs/examples/object-file-system';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';

describeFileSystemBehaviour('ObjectFileSystem (docs example)', () => ({ fs: new ObjectFileSystem({}) }), {
  seed: (tree) => ({ fs: new ObjectFileSystem(tree) }),
});

test('a guest reads files, follows a symlink and lists a directory served from a JS object', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-docs-'));
  const out = fs.openSync(path.join(tmp, 'out'), 'w');
  try {
    const wasi = new WASI({
      version: 'preview1',
      args: ['vostest', 'cat', '/sandbox/greeting.txt', 'cat', '/sandbox/ln', 'ls', '/sandbox/docs', 'write', '/sandbox/new', 'x'],
      mounts: {
        '/sandbox': new ObjectFileSystem({ 'greeting.txt': 'written inside the sandbox\n', docs: { 'a.md': '# a' }, ln: { symlink: 'greeting.txt' } }),
      },
      mountPreopens: ['/sandbox'],
      stdout: out,
    });
    const wasm = fs.readFileSync(path.join(__dirname, '../cli/fixtures/vostest.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject() as WebAssembly.Imports);
    expect(wasi.start(instance)).toBe(0);
    const text = fs.readFileSync(path.join(tmp, 'out'), 'utf8');
    expect(text).toContain('written inside the sandbox'); // cat greeting.txt, and again through the link
    expect(text.split('written inside the sandbox').length).toBe(3);
    expect(text).toMatch(/a\.md/);
    expect(text).toMatch(/Read-only file system/); // write: the backend refuses with EROFS
  } finally {
    fs.closeSync(out);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
