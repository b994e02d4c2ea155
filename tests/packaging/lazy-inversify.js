'use strict';
// Child process of lazy-inversify.test.ts: loads the built @vos/wasi (dist/, through the `require` or the
// `import` entry), composes one WASI the way `argv[2]` says and runs hello world, then prints as JSON which
// functions of the inversify copy inlined in dist/index.impl.js ran. V8's precise coverage tells: esbuild wraps
// each inlined ES module in an initialiser named after its file ("node_modules/inversify/lib/esm/index.js"),
// called once when the module is evaluated; reflect-metadata's files are CommonJS wrappers named after theirs.
//   plain      `new WASI(options)`                       no inversify code may run
//   modules    `new WASI({ modules })`                   @vos/wasi's own inversify makes the container
//   container  `new WASI({ container, modules })`        the host's inversify (node_modules) does the work
// `argv[3]` is `require` or `import`.
const path = require('node:path');
const { readFileSync } = require('node:fs');
const { Session } = require('node:inspector');

const ROOT = path.join(__dirname, '..', '..');
const IMPL = path.join(ROOT, 'packages', 'wasi', 'dist', 'index.impl.js');
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
  const impl = result.find((s) => s.url === IMPL || s.url === `file://${IMPL}`);
  const ran = (re) =>
    impl === undefined ? null : [...new Set(impl.functions.filter((f) => re.test(f.functionName) && f.ranges[0].count > 0).map((f) => f.functionName))];
  process.stdout.write(
    `${JSON.stringify({
      code,
      stdout: out.join(''),
      scripts: result.filter((s) => s.url.includes(`${path.sep}dist${path.sep}`)).map((s) => path.relative(ROOT, s.url.replace(/^file:\/\//, ''))),
      // Whether the bundle has inversify's initialisers at all (else `inversify: []` would prove nothing).
      initialisers: readFileSync(IMPL, 'utf8').includes('"node_modules/inversify/lib/esm/index.js"() {'),
      inversify: ran(/node_modules\/(@inversifyjs\/[^/]+|inversify)\//),
      reflectMetadata: ran(/node_modules\/reflect-metadata\//),
    })}\n`,
  );
}

main().catch((err) => {
  process.stdout.write(`${JSON.stringify({ fatal: String(err && err.stack ? err.stack : err) })}\n`);
});
