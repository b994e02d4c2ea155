/**
 * Issue 10's "done when": a newcomer's read-only backend over a Map, in under 30 lines, importing only published
 * entry points, proved with @vos/fs-testkit and by a real guest. The backend is docs/examples/map-file-system.ts
 * (shown verbatim in docs/writing-a-provider.md); this file uses it as an outside author would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeFileSystemBehaviour, type SeedTree } from '@vos/fs-testkit';
import { WASI } from '@vos/wasi';
import { MapFileSystem } from '../../docs/examples/map-file-system';

/** The testkit's seed tree as Map entries (an empty directory is a key ending in `/`). */
function toMap(tree: SeedTree, prefix = '', out = new Map<string, string | Uint8Array>()): Map<string, string | Uint8Array> {
  for (const [name, value] of Object.entries(tree)) {
    if (typeof value === 'string' || value instanceof Uint8Array) out.set(prefix + name, value);
    else if (Object.keys(value).length === 0) out.set(`${prefix}${name}/`, '');
    else toMap(value as SeedTree, `${prefix}${name}/`, out);
  }
  return out;
}

describeFileSystemBehaviour('MapFileSystem (docs example, a Map in under 30 lines)', () => ({ fs: new MapFileSystem(new Map()) }), {
  seed: (tree) => ({ fs: new MapFileSystem(toMap(tree)) }),
  seedSymlinks: false, // a Map of contents holds no symlinks
});

test('the backend is under 30 lines and imports only published @vos entry points', () => {
  const source = fs.readFileSync(path.join(__dirname, '../../docs/examples/map-file-system.ts'), 'utf8');
  expect(source.trimEnd().split('\n').length).toBeLessThan(30);
  const imports = [...source.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
  expect(imports).toEqual(['@vos/core']);
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../packages/core/package.json'), 'utf8'));
  expect(pkg.private).not.toBe(true);
});

test('a guest reads, lists and fails to write through the Map backend', () => {
  const tmp = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'vos-map-'));
  const out = fs.openSync(path.join(tmp, 'out'), 'w');
  try {
    const files = new Map([['greeting.txt', 'hello from a Map\n'], ['docs/a.md', '# A\n']]);
    const wasi = new WASI({
      version: 'preview1',
      args: ['vostest', 'cat', '/m/greeting.txt', 'ls', '/m/docs', 'write', '/m/new', 'x'],
      mounts: { '/m': new MapFileSystem(files) },
      mountPreopens: ['/m'],
      stdout: out,
    });
    const wasm = fs.readFileSync(path.join(__dirname, '../cli/fixtures/vostest.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject() as WebAssembly.Imports);
    wasi.start(instance);
    const text = fs.readFileSync(path.join(tmp, 'out'), 'utf8');
    expect(text).toContain('hello from a Map');
    expect(text).toMatch(/a\.md/);
    expect(text).toMatch(/Read-only file system/);
  } finally {
    fs.closeSync(out);
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
