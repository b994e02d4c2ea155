import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { createNodeFileSystem } from '@vos/fs-node';
import { OverlayFileSystem } from '@vos/fs-overlay';
import { hostDir, loadModule, packageFile, readTree } from './harness';
import { SystemClock } from '@vos/clock';

/**
 * The drop-in test: `@ruby/wasm-wasi`'s `RubyVM.instantiateModule({ module, wasip1 })` takes a WASI instance made
 * for node:wasi (it uses `wasip1.wasiImport` and `wasip1.initialize(instance)`), and drives CRuby 3.4 (the
 * reactor `ruby+stdlib.wasm` from `@ruby/3.4-wasm-wasi`, with the stdlib packed in by wasi-vfs) through its own
 * exports. We hand it a vos `WASI` instead, and compare with what the same script does under node:wasi.
 */
jest.setTimeout(120_000);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RubyVM } = require('@ruby/wasm-wasi') as {
  RubyVM: {
    instantiateModule(options: { module: WebAssembly.Module; wasip1: unknown; args?: string[] }): Promise<{ vm: { eval(code: string): { toString(): string } } }>;
  };
};
const ruby = loadModule(packageFile('@ruby/3.4-wasm-wasi', 'dist/ruby+stdlib.wasm'));

/** Exercises the stdlib (from the module's own packed filesystem) and the host's filesystem under /work. */
const script = `
require 'json'
require 'digest'
lines = File.readlines('/work/in/words.txt', chomp: true)
counts = lines.flat_map(&:split).tally.sort_by { |w, n| [-n, w] }
Dir.mkdir('/work/out') unless Dir.exist?('/work/out')
File.write('/work/out/counts.json', JSON.pretty_generate(counts.to_h) + "\\n")
File.open('/work/out/log.txt', 'a') { |f| f.puts "#{lines.size} lines" }
puts Dir.children('/work').sort.inspect
puts File.size('/work/out/counts.json')
puts Digest::SHA256.hexdigest(File.read('/work/out/counts.json'))
File.rename('/work/out/log.txt', '/work/out/log.old')
File.delete('/work/in/scratch.tmp')
$stdout.flush
[RUBY_VERSION, counts.first].inspect
`;
const input = { 'in/words.txt': 'a rose is a rose\nis a rose\n', 'in/scratch.tmp': 'x' };

type Run = { value: string; stdout: string };

/** One VM on `wasip1`; fd 1 is the host file `stdoutFile`. */
async function evalIn(wasip1: unknown, stdoutFile: string): Promise<Run> {
  const { vm } = await RubyVM.instantiateModule({ module: ruby, wasip1 });
  const value = vm.eval(script).toString();
  return { value, stdout: fs.readFileSync(stdoutFile, 'utf8') };
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-real-ruby-'));
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Opens an output file for fd 1 and runs `body`; the fd is closed afterwards. */
async function withStdout<T>(name: string, body: (fd: number, file: string) => Promise<T>): Promise<T> {
  const file = path.join(tmp, name);
  const fd = fs.openSync(file, 'w');
  try {
    return await body(fd, file);
  } finally {
    fs.closeSync(fd);
  }
}

test('RubyVM runs on a vos WASI over host preopens exactly as on node:wasi', async () => {
  const nodeDir = hostDir('ruby-node', input);
  const vosDir = hostDir('ruby-vos', input);
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { WASI: NodeWASI } = require('node:wasi') as typeof import('node:wasi');
    const expected = await withStdout('node.out', (stdout, file) =>
      evalIn(new NodeWASI({ version: 'preview1', returnOnExit: true, preopens: { '/work': nodeDir }, stdout }), file),
    );
    const actual = await withStdout('vos.out', (stdout, file) =>
      evalIn(new WASI({ version: 'preview1', returnOnExit: true, preopens: { '/work': vosDir }, stdout }), file),
    );
    expect(expected.value).toMatch(/^\["3\.4\.\d+", \["a", 3\]\]$/);
    expect(expected.stdout.split('\n')[0]).toBe('["in", "out"]');
    expect(actual).toEqual(expected);
    expect(readTree(vosDir)).toEqual(readTree(nodeDir));
    expect(Object.keys(readTree(vosDir)).sort()).toEqual(['in/words.txt', 'out/counts.json', 'out/log.old']);
  } finally {
    fs.rmSync(nodeDir, { recursive: true, force: true });
    fs.rmSync(vosDir, { recursive: true, force: true });
  }
});

test('RubyVM on a vos WASI whose /work is a copy-on-write overlay: changes stay in memory', async () => {
  const project = hostDir('ruby-project', input);
  try {
    const upper = new MemoryFileSystem({ clock: new SystemClock() });
    const work = new OverlayFileSystem(createNodeFileSystem(project), upper);
    const run = await withStdout('vos.out', (stdout, file) =>
      evalIn(new WASI({ version: 'preview1', returnOnExit: true, stdout, mounts: { '/': new MemoryFileSystem({ clock: new SystemClock() }), '/work': work } }), file),
    );
    expect(run.value).toMatch(/^\["3\.4\.\d+", \["a", 3\]\]$/);
    expect(run.stdout.split('\n')[0]).toBe('["in", "out"]');
    expect(work.changes()).toEqual({ created: ['out', 'out/counts.json', 'out/log.old'], modified: [], deleted: ['in/scratch.tmp'] });
    expect(readTree(project)).toEqual(input);
    const counts = (upper.toObject({ text: true }) as { out: Record<string, string> }).out['counts.json'];
    expect(JSON.parse(counts)).toEqual({ a: 3, rose: 3, is: 2 });
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});
