/**
 * Regression (docs/benchmarks.md, "Why hello_instantiate was slower on the native path"): each instance with a
 * preopened host directory resolved it twice, in @vos/wasi's `openHostDirectory` and again in `NodeFileSystem`'s
 * constructor (one lstat per component each time). @vos/wasi resolves it once; fs-node's `/proc/self/fd` read-back
 * proves the path it is handed canonical instead of resolving it again (packages/fs-node, "NodeFileSystem").
 */
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WASI } from '@vos/wasi';
import { instantiate } from './helpers';
import { realpathCalls } from '../helpers/realpath-calls';


let tmp: string;
beforeAll(() => {
  tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vos-preopen-once-')));
  mkdirSync(join(tmp, 'dir'));
  symlinkSync(join(tmp, 'dir'), join(tmp, 'alias'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a preopened host directory is resolved once per instance', () => {
  test.each(['dir', 'alias'])('preopens = { "/sandbox": <tmp>/%s }', (name) => {
    let wasi: WASI | undefined;
    const calls = realpathCalls(() => {
      wasi = new WASI({ version: 'preview1', preopens: { '/sandbox': join(tmp, name) }, returnOnExit: true });
      (wasi as WASI).initialize(instantiate('reactor', wasi));
    });
    // On Linux the read-back proves @vos/wasi's answer canonical; elsewhere fs-node resolves it itself (as before).
    expect(calls).toBe(process.platform === 'linux' ? 1 : 2);
  });
});
