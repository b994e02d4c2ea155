/**
 * The JSPI path, on a page that is NOT cross-origin isolated (no SharedArrayBuffer, no worker): the wasm goldens
 * with `/sandbox` on an asynchronous filesystem whose answers are promises, through `@vos/jspi`. Same programs,
 * same goldens as the synchronous runs; the guest really suspends (counted).
 */
import { WASI } from '@vos/wasi';
import { CollectorSink } from '@vos/stdio';
import { JspiWorld, jspiAvailable } from '@vos/jspi';
import { CASES, expectedStdout } from '../lib/goldens';
import { asyncMemoryFileSystem } from '../lib/async-memory';
import { compileUrl, PROGRAMS } from '../lib/run-program';
import { OpfsFileSystem } from '@vos/fs-browser';
import { describe, expect, runAndReport, test } from '../harness';

describe('the page', () => {
  test('is not cross-origin isolated and has no SharedArrayBuffer, but has JSPI', () => {
    expect(crossOriginIsolated).toBe(false);
    expect(typeof SharedArrayBuffer).toBe('undefined');
    expect(jspiAvailable()).toBe(true);
  });
});

for (const mode of ['always', 'alternate'] as const) {
  describe(`goldens through JSPI, /sandbox answering with promises (${mode})`, () => {
    for (const c of CASES) {
      test(c.golden, async () => {
        const o = c.options ?? {};
        const world = new JspiWorld();
        const backend = asyncMemoryFileSystem(mode);
        const stdout = new CollectorSink();
        const wasi = new WASI({
          version: o.version ?? 'preview1',
          args: o.args ?? [c.program],
          env: o.env ?? {},
          mounts: { '/sandbox': await world.mount(backend.fs) },
          mountPreopens: ['/sandbox'],
          stdio: { stdin: o.stdin ?? '', stdout, stderr: 'null' },
          returnOnExit: true,
        });
        const instance = await WebAssembly.instantiate(await compileUrl(`/tests/wasm/bin/${c.program}.wasm`), world.imports(wasi));
        const callsBefore = backend.calls();
        const exitCode = await world.start(wasi, instance);
        expect(stdout.text()).toBe(await expectedStdout(c.golden));
        expect(exitCode).toBe(c.exitCode);
        // A program that reached /sandbox's backend (with every answer a promise) must have suspended.
        if (mode === 'always' && backend.calls() > callsBefore) expect(world.bridge.suspensions).toBeGreaterThan(0);
      });
    }
  });
}

describe('OPFS through JSPI (OpfsFileSystem, asynchronous, nothing preloaded)', () => {
  test('a guest on this page writes, lists, renames and reads files in OPFS; a fresh view sees them', async () => {
    const run = async (args: string[]) => {
      const world = new JspiWorld();
      const stdout = new CollectorSink();
      const wasi = new WASI({
        version: 'preview1',
        args: ['fsutil', ...args],
        mounts: { '/data': await world.mount(await OpfsFileSystem.open('jspi-test')) },
        stdio: { stdin: '', stdout, stderr: 'null' },
      });
      const instance = await WebAssembly.instantiate(await compileUrl(`${PROGRAMS}/fsutil.wasm`), world.imports(wasi));
      return { code: await world.start(wasi, instance), out: stdout.text() };
    };
    const first = await run(['mkdir', '/data/d', 'write', '/data/d/a.txt', 'through JSPI', 'append', '/data/d/a.txt', 'more',
      'mv', '/data/d/a.txt', '/data/d/b.txt', 'symlink', 'b.txt', '/data/d/link', 'ls', '/data/d']);
    expect(first.out).toBe(
      'mkdir /data/d: ok\nwrite /data/d/a.txt: 13 bytes\nappend /data/d/a.txt: 5 bytes\nmv /data/d/a.txt /data/d/b.txt: ok\n' +
        'symlink /data/d/link: Not supported\nls /data/d: b.txt\n',
    );
    const second = await run(['cat', '/data/d/b.txt', 'rmdir', '/data/d', 'rm', '/data/d/b.txt', 'rmdir', '/data/d', 'ls', '/data']);
    expect(second.out).toBe('through JSPI\nmore\nrmdir /data/d: Directory not empty\nrm /data/d/b.txt: ok\nrmdir /data/d: ok\nls /data:\n');
  });
});

runAndReport();
