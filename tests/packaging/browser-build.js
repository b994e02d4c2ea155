'use strict';
// Bundles a page's program with esbuild for platform=browser, exactly as a user's bundler would (through the
// packages' `exports` and their `browser` condition, from the built dist/), checks what went into the bundle,
// and runs it in a bare V8 context: no `process`, no `require`, no SharedArrayBuffer (a page that is not
// cross-origin isolated), only what every page has (WebAssembly, TextEncoder/TextDecoder, performance, crypto).
// Three page programs (fixtures/): an app using the providers, the minimal `import { WASI }` one (its size is the
// figure of record), and one that composes with its own inversify. The report says whether each bundle holds
// inversify or reflect-metadata code (the first two must not: the browser build loads neither).
// Prints one JSON object on stdout. Run by browser-build.test.ts in a child process; `node
// tests/packaging/browser-build.js` by hand prints the same report.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const zlib = require('node:zlib');
const { webcrypto } = require('node:crypto');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..', '..');
const FIXTURES = path.join(__dirname, 'fixtures');

async function bundle(entry, minify) {
  const result = await esbuild.build({
    entryPoints: [path.join(FIXTURES, entry)],
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  return { code: result.outputFiles[0].text, inputs, imports };
}

/** A fresh context with a page's globals and nothing of Node's. */
function bareContext() {
  const perf = { now: () => performance.now(), timeOrigin: performance.timeOrigin };
  const context = vm.createContext({
    performance: perf,
    crypto: { getRandomValues: (a) => webcrypto.getRandomValues(a) },
    TextEncoder,
    TextDecoder,
  });
  // V8 puts SharedArrayBuffer in every context; a page that is not cross-origin isolated does not have it.
  vm.runInContext('delete globalThis.SharedArrayBuffer;', context);
  const globals = vm.runInContext(
    '({ process: typeof process, require: typeof require, SharedArrayBuffer: typeof SharedArrayBuffer, Buffer: typeof Buffer })',
    context,
  );
  return { context, globals };
}

/**
 * Whether a bundle holds inversify or reflect-metadata code, by a string each of them has and minification
 * keeps: inversify's packages register their symbols and metadata keys under `@inversifyjs/...`, and both
 * builds of reflect-metadata (the full one and `/lite`) keep their registry under `@reflect-metadata:registry`.
 */
function diCode(bundle) {
  return {
    inversify: bundle.code.includes('@inversifyjs/') || bundle.inputs.some((p) => /node_modules\/(inversify|@inversifyjs)\//.test(p)),
    reflectMetadata: bundle.code.includes('@reflect-metadata:registry') || bundle.inputs.some((p) => p.includes('node_modules/reflect-metadata/')),
  };
}

function wasm(rel) {
  return new Uint8Array(fs.readFileSync(path.join(ROOT, rel)));
}

async function main() {
  const app = await bundle('browser-app.js', false);
  const minimal = await bundle('browser-minimal.js', true);
  const di = await bundle('browser-di.js', false);
  const { context, globals } = bareContext();
  vm.runInContext(app.code, context, { filename: 'browser-app.bundle.js' });
  const runs = {};
  const guard = (name, fn) => {
    try {
      runs[name] = fn();
    } catch (err) {
      runs[name] = { error: String(err && err.stack ? err.stack : err) };
    }
  };
  const run = (fn, ...args) => context[fn](...args);
  guard('hello', () => run('runDefault', wasm('examples/hello/hello.wasm'), ['hello.wasm', '/']));
  guard('clock', () => run('runDefault', wasm('tests/wasm/bin/clock.wasm'), ['clock']));
  guard('random', () => run('runDefault', wasm('tests/wasm/bin/random.wasm'), ['random']));
  guard('stdin', () => run('runWithStdio', wasm('tests/wasm/bin/stdin_until_eof.wasm'), ['cat'], ['line one\n', 'and two\n']));
  guard('files', () => run('runWithStdio', wasm('examples/hello/hello.wasm'), ['hello.wasm', '/data']));
  guard('overlay', () => run('runOverlay', wasm('examples/hello/hello.wasm'), ['hello.wasm', '/']));
  // The minimal program runs too, in a context of its own.
  const second = bareContext();
  vm.runInContext(minimal.code, second.context, { filename: 'browser-minimal.bundle.js' });
  guard('minimal', () => second.context.run(wasm('examples/hello/hello.wasm')));
  // A page that composes with its own inversify: what the browser build must still do without loading any.
  const third = bareContext();
  vm.runInContext(di.code, third.context, { filename: 'browser-di.bundle.js' });
  const deterministic = wasm('tests/wasm/bin/deterministic.wasm');
  guard('diModules', () => third.context.runModules(deterministic));
  guard('diModulesWithoutContainer', () => third.context.runModulesWithoutContainer(deterministic));
  try {
    runs.diHostContainer = await third.context.runHostContainer();
  } catch (err) {
    runs.diHostContainer = { error: String(err && err.stack ? err.stack : err) };
  }

  process.stdout.write(JSON.stringify({
    globals,
    app: { inputs: app.inputs, imports: app.imports },
    minimal: {
      inputs: minimal.inputs,
      imports: minimal.imports,
      bytes: Buffer.byteLength(minimal.code),
      gzipBytes: zlib.gzipSync(minimal.code, { level: 9 }).length,
    },
    diCode: { app: diCode(app), minimal: diCode(minimal), di: diCode(di) },
    runs,
  }) + '\n');
}

main().catch((err) => {
  process.stdout.write(JSON.stringify({ fatal: String(err && err.stack ? err.stack : err) }) + '\n');
  process.exitCode = 1;
});
