import * as fs from 'node:fs';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { CollectorSink } from '@vos/stdio';

/**
 * Deterministic mode through the one `deterministic` option: fake clock at a fixed epoch, seeded random,
 * in-memory root, captured stdio. Two runs are byte-identical, and files carry the fake time.
 */
const vostest = fs.readFileSync(path.join(__dirname, '../cli/fixtures/vostest.wasm'));

function run(args: string[]): string {
  const out = new CollectorSink();
  const wasi = new WASI({ version: 'preview1', args: ['vostest', ...args], deterministic: { seed: 42 }, stdio: { stdout: out, stderr: 'null' } });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(vostest), wasi.getImportObject() as WebAssembly.Imports);
  expect(wasi.start(instance)).toBe(0);
  return out.text();
}

test('two runs in deterministic mode give byte-identical output, and an hour of sleep takes no time', () => {
  const args = ['time', 'random', '16', 'write', '/f', 'x', 'ls', '/', 'cat', '/f'];
  const started = process.hrtime.bigint();
  const first = run(args);
  const second = run(args);
  expect(Number(process.hrtime.bigint() - started) / 1e9).toBeLessThan(5);
  expect(first).toBe(second);
  expect(first).toContain('realtime: 946684800000000000'); // 2000-01-01T00:00:00Z
  expect(first).toContain('slept: 90 s');
  expect(first).toMatch(/^f$/m);
});

test('files created under the fake clock carry the fake time', () => {
  const out = new CollectorSink();
  const wasi = new WASI({ version: 'preview1', args: ['vostest', 'write', '/f', 'x'], deterministic: { epoch: '2030-05-06T07:08:09Z' }, stdio: { stdout: out } });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(vostest), wasi.getImportObject() as WebAssembly.Imports);
  expect(wasi.start(instance)).toBe(0);
  // Read the file's times back through the same import object (path_filestat_get on the root preopen, fd 3).
  const mem = instance.exports.memory as WebAssembly.Memory;
  const u8 = new Uint8Array(mem.buffer);
  u8.set(Buffer.from('f'), 1024);
  const imports = wasi.wasiImport as Record<string, (...a: unknown[]) => number>;
  expect(imports.path_filestat_get(3, 0, 1024, 1, 2048)).toBe(0);
  const v = new DataView(mem.buffer);
  const mtim = v.getBigUint64(2048 + 48, true);
  const epochNs = BigInt(Date.parse('2030-05-06T07:08:09Z')) * 1_000_000n;
  expect(mtim >= epochNs && mtim < epochNs + 10n ** 9n).toBe(true);
});
