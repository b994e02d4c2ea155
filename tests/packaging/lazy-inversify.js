'use strict';
// Child process of lazy-inversify.test.ts: loads the built @vos/wasi (dist/, through the `require` or the
// `import` entry), composes one WASI the way `argv[2]` says and runs hello world, then prints as JSON which of
// @vos/wasi's files were loaded and compiled (V8's precise coverage lists every script), which functions of the
// inlined reflect-metadata ran (esbuild wraps each CommonJS file it inlines in a function named after the file),
// and which npm packages dist/index.impl.js inlines (esbuild heads each inlined file with a comment naming it).
//   plain      `new WASI(options)`                       no inversify may load
//   modules    `new WASI({ modules })`                   @vos/wasi's own inversify makes the container
//   container  `new WASI({ container, modules })`        the host's inversify (node_modules) does the work
// `argv[3]` is `require` or `import`.
const path = require('node:path');
const { readFileSync } = require('node:fs');
const { Session } = require('node:inspector');

const ROOT = path.join(__dirname, '..', '..');
const HELLO = path.join(ROOT, 'examples', 'hello', 'hello.wasm');

function post(session, method, params) {
  let out;
  let failure;
  // A session on the main thread answers synchronously.
  session.post(method, params, (err, result) => {
    failure = err;
    out = result;
  });
  if (failure) throw failure;
  return out;
}

async function main() {
  const [mode, entry] = process.argv.slice(2);
  const session = new Session();
  session.connect();
  post(session, 'Profiler.enable');
  post(session, 'Profiler.startPreciseCoverage', { callCount: true, detailed: false });

  const api = entry === 'import' ? await import('@vos/wasi') : require('@vos/wasi');
  const { WASI, TOKENS } = api;
  const out = [];
  const stdio = { stdout: (chunk) => out.push(Buffer.from(chunk).toString()), stderr: 'inherit', stdin: 'null' };
  const options = { version: 'preview1', args: ['hello'], env: {}, returnOnExit: true };
  let wasi;
  if (mode === 'plain') {
    wasi = new WASI({ ...options, stdio });
  } else {
    // A host module in inversify's own form, made without any inversify: `{ id, load }` (a half-integer id that
    // neither inversify nor @vos/wasi hands out).
    const { createStdio } = require('@vos/stdio');
    const module = { id: 0.25, load: ({ bind }) => {
      bind(TOKENS.Stdio).toDynamicValue(() => createStdio(stdio));
    } };
    if (mode === 'modules') wasi = new WASI({ ...options, modules: [module] });
    else if (mode === 'container') wasi = new WASI({ ...options, container: new (require('inversify').Container)(), modules: [module] });
    else throw new Error(`unknown mode ${mode}`);
  }
  const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(HELLO)), wasi.getImportObject());
  const code = wasi.start(instance);

  const { result } = post(session, 'Profiler.takePreciseCoverage');
  const DIST = path.join(ROOT, 'packages', 'wasi', 'dist') + path.sep;
  const file = (url) => url.replace(/^file:\/\//, '');
  const ours = result.filter((s) => file(s.url).startsWith(DIST));
  const ran = (re) => [
    ...new Set(ours.flatMap((s) => s.functions).filter((f) => re.test(f.functionName) && f.ranges[0].count > 0).map((f) => f.functionName)),
  ];
  const inlined = [...readFileSync(path.join(DIST, 'index.impl.js'), 'utf8').matchAll(/^\/\/ node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//gm)].map((m) => m[1]);
  process.stdout.write(
    `${JSON.stringify({
      code,
      stdout: out.join(''),
      scripts: ours.map((s) => path.relative(ROOT, file(s.url))),
      reflectMetadata: ran(/node_modules\/reflect-metadata\//),
      indexInlines: [...new Set(inlined)],
    })}\n`,
  );
}

main().catch((err) => {
  process.stdout.write(`${JSON.stringify({ fatal: String(err && err.stack ? err.stack : err) })}\n`);
});
