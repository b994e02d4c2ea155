// A tree a guest made in memory, exported to a host directory (issue 9): the guest's links were harmless in
// memory (the walker never follows one out), but once written to the host its own tools follow them, so the
// export refuses the ones that could lead outside (EPERM, naming the link) unless told to write them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CollectorSink } from '@vos/stdio';

const GUEST = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'bin/adversary.wasm')));

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-adversarial-export-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('symlinks a guest made in memory that could lead outside are not exported to the host by default', () => {
  const mem = new MemoryFileSystem({ clock: new SystemClock() });
  const stdout = new CollectorSink();
  const wasi = new WASI({
    version: 'preview1',
    args: ['adversary', 'cd=/w', 'climb'],
    mounts: { '/w': mem },
    stdio: { stdin: 'null', stdout, stderr: 'null' },
  });
  expect(wasi.start(new WebAssembly.Instance(GUEST, wasi.getImportObject() as WebAssembly.Imports))).toBe(0);
  expect(stdout.text()).toContain('symlink a/b/two -> ../../x: ok\n'); // memory keeps wasmtime's answer

  const out = path.join(tmp, 'out');
  expect(() => mem.toHostDirectory(out)).toThrow(/^toHostDirectory: b\/two: symlink target "..\/..\/x" could lead outside /);
  expect(fs.existsSync(out)).toBe(false);

  mem.toHostDirectory(out, { allowOutsideSymlinks: true });
  expect(fs.readlinkSync(path.join(out, 'b', 'two'))).toBe('../../x');
  expect(fs.readlinkSync(path.join(out, 'b', 'one'))).toBe('../y');
});
