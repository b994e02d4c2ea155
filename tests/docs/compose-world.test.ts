import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { composeWorld } from '../../docs/examples/compose-world';

test('the layered world of docs/layering.md: read-only data, copy-on-write work, memory root and tmp', () => {
  const top = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-world-'));
  const data = path.join(top, 'data');
  const project = path.join(top, 'project');
  fs.mkdirSync(data);
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(data, 'input.txt'), 'reference data');
  fs.writeFileSync(path.join(project, 'main.c'), 'int main() {}');
  fs.writeFileSync(path.join(project, 'old.txt'), 'to be deleted');
  const outFile = path.join(top, 'out');
  const out = fs.openSync(outFile, 'w');
  try {
    const { wasi, work } = composeWorld(data, project, [
      'vostest',
      'cat', '/data/input.txt',
      'write', '/data/x', 'no',
      'write', '/work/main.c', 'int main() { return 1; }',
      'write', '/work/new.txt', 'created',
      'rm', '/work/old.txt',
      'write', '/tmp/scratch', 'tmp',
      'write', '/root-file', 'root',
      'ls', '/',
    ], out);
    const wasm = fs.readFileSync(path.join(__dirname, '../cli/fixtures/vostest.wasm'));
    const instance = new WebAssembly.Instance(new WebAssembly.Module(wasm), wasi.getImportObject() as WebAssembly.Imports);
    expect(wasi.start(instance)).toBe(0);
    const text = fs.readFileSync(outFile, 'utf8');
    expect(text).toContain('reference data');
    expect(text).toMatch(/Read-only file system/);
    for (const name of ['data', 'root-file', 'tmp', 'work']) expect(text).toContain(name);
    // the host never changed
    expect(fs.readdirSync(data)).toEqual(['input.txt']);
    expect(fs.readFileSync(path.join(project, 'main.c'), 'utf8')).toBe('int main() {}');
    expect(fs.readdirSync(project).sort()).toEqual(['main.c', 'old.txt']);
    // and the overlay knows what the guest did
    expect(work.changes()).toEqual({ created: ['new.txt'], modified: ['main.c'], deleted: ['old.txt'] });
  } finally {
    fs.closeSync(out);
    fs.rmSync(top, { recursive: true, force: true });
  }
});
