import * as fs from 'node:fs';
import * as path from 'node:path';
import { callInChildAsync, nodeWasiBaseline } from '../helpers/child';
import { hostDir, packageFile, readTree } from './harness';

/**
 * The drop-in test: `@ruby/wasm-wasi`'s `RubyVM.instantiateModule({ module, wasip1 })` takes a WASI instance made
 * for node:wasi (it uses `wasip1.wasiImport` and `wasip1.initialize(instance)`), and drives CRuby 3.4 (the
 * reactor `ruby+stdlib.wasm` from `@ruby/3.4-wasm-wasi`, with the stdlib packed in by wasi-vfs) through its own
 * exports. We hand it a vos `WASI` instead, and compare with what the same script does under node:wasi.
 */
jest.setTimeout(120_000);

const ruby = packageFile('@ruby/3.4-wasm-wasi', 'dist/ruby+stdlib.wasm');
/** Every VM runs in a child process (ruby.child.ts): nothing foreign runs inside the jest worker. */
const CHILD = path.join(__dirname, 'ruby.child.ts');

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

test('RubyVM runs on a vos WASI over host preopens exactly as on node:wasi', async () => {
  const nodeDir = hostDir('ruby-node', input);
  const vosDir = hostDir('ruby-vos', input);
  try {
    const expected = await nodeWasiBaseline<Run>(CHILD, 'onNodeWasi', ruby, script, nodeDir);
    const actual = await callInChildAsync<Run>(CHILD, 'onVos', ruby, script, vosDir);
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
    const run = await callInChildAsync<Run & { changes: unknown; upper: { out: Record<string, string> } }>(CHILD, 'onVosOverlay', ruby, script, project);
    expect(run.value).toMatch(/^\["3\.4\.\d+", \["a", 3\]\]$/);
    expect(run.stdout.split('\n')[0]).toBe('["in", "out"]');
    expect(run.changes).toEqual({ created: ['out', 'out/counts.json', 'out/log.old'], modified: [], deleted: ['in/scratch.tmp'] });
    expect(readTree(project)).toEqual(input);
    const counts = run.upper.out['counts.json'];
    expect(JSON.parse(counts)).toEqual({ a: 3, rose: 3, is: 2 });
  } finally {
    fs.rmSync(project, { recursive: true, force: true });
  }
});
