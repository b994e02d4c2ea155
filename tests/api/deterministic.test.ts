import * as fs from 'node:fs';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { newFileStat, type DirEntry, type FileSystem, type FsHandle } from '@vos/core';

/**
 * Deterministic mode through the one `deterministic` option: fake clock at a fixed epoch, seeded random,
 * in-memory root, captured stdio. Two runs give byte-identical stdout, stderr and filesystem (names, sizes,
 * contents, inode numbers and every timestamp), and files carry the fake time.
 */
const vostest = fs.readFileSync(path.join(__dirname, '../cli/fixtures/vostest.wasm'));
const ARGS = ['time', 'random', '16', 'write', '/f', 'x', 'write', '/g', 'y', 'rm', '/g', 'ls', '/', 'cat', '/f'];

/** Every entry of a filesystem with its metadata and bytes, through the provider contract. */
function snapshot(fsys: FileSystem): string {
  const lines: string[] = [];
  const ref: { value: FsHandle | null } = { value: null };
  fsys.openRoot(ref);
  const walk = (dir: FsHandle, prefix: string) => {
    const entries: DirEntry[] = [];
    fsys.readdir(dir, entries);
    for (const e of entries) {
      const st = newFileStat();
      fsys.statAt(dir, e.name, st);
      const line = `${prefix}/${e.name} type=${st.filetype} ino=${st.ino} size=${st.size} a=${st.atim} m=${st.mtim} c=${st.ctim}`;
      if (st.filetype === 3 && fsys.openAt(dir, e.name, 1 | 32, ref) === 0) {
        lines.push(line);
        walk(ref.value as FsHandle, `${prefix}/${e.name}`);
      } else if (st.filetype === 4 && fsys.openAt(dir, e.name, 1, ref) === 0) {
        const buf = new Uint8Array(Number(st.size));
        fsys.read(ref.value as FsHandle, buf, 0, buf.length, 0);
        lines.push(`${line} data=${Buffer.from(buf).toString('hex')}`);
      } else lines.push(line);
    }
  };
  walk(ref.value as FsHandle, '');
  return lines.join('\n');
}

function run(): { stdout: string; stderr: string; fs: string } {
  let root: MemoryFileSystem | undefined;
  const wasi = new WASI({
    version: 'preview1',
    args: ['vostest', ...ARGS],
    deterministic: { seed: 42 },
    mounts: { '/': ({ clock }) => (root = new MemoryFileSystem({ clock })) },
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(vostest), wasi.getImportObject() as WebAssembly.Imports);
  expect(wasi.start(instance)).toBe(0);
  return { stdout: wasi.captured!.stdout.text(), stderr: wasi.captured!.stderr.text(), fs: snapshot(root!) };
}

test('two runs in deterministic mode are byte-identical: stdout, stderr and the filesystem snapshot', () => {
  const started = process.hrtime.bigint();
  const first = run();
  const second = run();
  expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(5); // the guest slept 2 x 90 s
  expect(second).toEqual(first);
  expect(first.stdout).toContain('realtime: 946684800000000000'); // 2000-01-01T00:00:00Z
  expect(first.stdout).toContain('slept: 90 s');
  expect(first.fs).toMatch(/^\/f type=4 .* data=780a$/m);
  expect(first.fs).not.toMatch(/^\/g /m);
});

test('files created under the fake clock carry the fake time', () => {
  let root: MemoryFileSystem | undefined;
  const wasi = new WASI({
    version: 'preview1', args: ['vostest', 'write', '/f', 'x'], deterministic: { epoch: '2030-05-06T07:08:09Z' },
    mounts: { '/': ({ clock }: { clock: { now(id: 0): bigint } }) => (root = new MemoryFileSystem({ clock })) },
  });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(vostest), wasi.getImportObject() as WebAssembly.Imports);
  expect(wasi.start(instance)).toBe(0);
  // The guest's fds are closed once it has run: read the file's times from the filesystem itself.
  const mtim = statOf(root!, 'f').mtim;
  const epochNs = BigInt(Date.parse('2030-05-06T07:08:09Z')) * 1_000_000n;
  expect(mtim >= epochNs && mtim < epochNs + 10n ** 9n).toBe(true);
});

function statOf(fs: MemoryFileSystem, name: string): { mtim: bigint } {
  const ref = { value: null as unknown };
  expect(fs.openRoot(ref as never)).toBe(0);
  const st = newFileStat();
  expect(fs.statAt(ref.value as never, name, st)).toBe(0);
  fs.close(ref.value as never);
  return st;
}
