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
import { compileUrl } from '../lib/run-program';
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

runAndReport();
