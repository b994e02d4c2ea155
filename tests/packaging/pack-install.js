'use strict';
// "Using vos in your own project", tried as a user would before there is a registry release: `npm pack` every
// package, install the tarballs into a fresh project outside the repository (npm fetches inversify and
// reflect-metadata from the registry, or from its cache), and use vos there:
//   - require('@vos/wasi') from CommonJS, with a Container and a ContainerModule of the project's own inversify;
//   - import('@vos/wasi') from an ES module, and named imports of every package;
//   - npx vos run hello.wasm;
//   - TypeScript (module node16) type-checks a CommonJS and an ES module consumer against the packed types;
//   - esbuild bundles `import { WASI } from '@vos/wasi'` for the browser from the installed packages.
// Prints one JSON object on stdout (each step's outcome and time); run by pack-install.test.ts in a child
// process. `node tests/packaging/pack-install.js` by hand prints the same report; KEEP=1 keeps the project.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const report = { steps: {} };

function run(name, cmd, args, options = {}) {
  const started = Date.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024, ...options });
  const step = {
    ms: Date.now() - started,
    status: r.status,
    stdout: r.stdout,
    stderr: (r.stderr || '').split('\n').filter((l) => !/ExperimentalWarning|--trace-warnings/.test(l)).join('\n').trim(),
    error: r.error ? String(r.error) : undefined,
  };
  report.steps[name] = step;
  if (r.status !== 0 || r.error) throw new Error(`${name} failed (${r.error || `exit ${r.status}`}): ${step.stderr.slice(-2000)}`);
  return step;
}

function workspacePackages() {
  return fs.readdirSync(path.join(ROOT, 'packages'))
    .map((dir) => path.join(ROOT, 'packages', dir))
    .filter((dir) => fs.existsSync(path.join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) }))
    .filter(({ pkg }) => !pkg.private);
}

const CJS_PROGRAM = `'use strict';
const fs = require('node:fs');
const { Container, ContainerModule } = require('inversify');
const { WASI, TOKENS } = require('@vos/wasi');
const { createStdio } = require('@vos/stdio');
const wasm = new WebAssembly.Module(fs.readFileSync(process.argv[2]));

// 1. node:wasi's API, host stdio.
const wasi = new WASI({ version: 'preview1', args: ['hello'] });
wasi.start(new WebAssembly.Instance(wasm, wasi.getImportObject()));

// 2. The project's own inversify: a Container and a ContainerModule made by it, not by the copy inside @vos/wasi.
for (const how of ['container', 'modules']) {
  const chunks = [];
  const stdio = createStdio({ stdin: 'null', stdout: (c) => chunks.push(Buffer.from(c)), stderr: 'null' });
  let options;
  if (how === 'container') {
    const container = new Container();
    container.bind(TOKENS.Stdio).toConstantValue(stdio);
    options = { container };
  } else {
    options = { modules: [new ContainerModule(({ bind }) => { bind(TOKENS.Stdio).toConstantValue(stdio); })] };
  }
  const w = new WASI({ version: 'preview1', args: ['hello'], ...options });
  w.start(new WebAssembly.Instance(wasm, w.getImportObject()));
  process.stdout.write(how + ': ' + Buffer.concat(chunks).toString());
}

// 3. @vos/wasi's own modules (structural { id, load }) in the project's container: loaded, one unloaded.
const { defaultModules, clockModule, deterministicModule } = require('@vos/wasi');
const host = new Container();
host.loadSync(...defaultModules);
host.unloadSync(clockModule);
host.loadSync(deterministicModule());
process.stdout.write('own modules: ' + [TOKENS.Clock, TOKENS.Random, TOKENS.Stdio].map((t) => host.isBound(t)).join(' ') +
  ' ' + host.getAll(TOKENS.Clock).length + ' ' + host.get(TOKENS.Clock).constructor.name + '\\n');
`;

const ESM_PROGRAM = `import { readFileSync } from 'node:fs';
import * as core from '@vos/core';
import { MemoryFileSystem } from '@vos/fs-memory';
import { OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import { createNodeFileSystem } from '@vos/fs-node';
import { SystemClock, FakeClock } from '@vos/clock';
import { CryptoRandom, SeededRandom } from '@vos/random';
import { CollectorSink } from '@vos/stdio';
import { main } from '@vos/cli';

const { WASI } = await import('@vos/wasi');
const named = { core: typeof core.WasiCore, MemoryFileSystem, OverlayFileSystem, ReadOnlyFileSystem, createNodeFileSystem,
  SystemClock, FakeClock, CryptoRandom, SeededRandom, CollectorSink, main };
for (const [name, value] of Object.entries(named)) if (typeof value !== 'function' && value !== 'function') throw new Error(name + ' missing');
const wasi = new WASI({ version: 'preview1', args: ['hello'], deterministic: true });
wasi.start(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[2])), wasi.getImportObject()));
process.stdout.write('esm: ' + wasi.captured.stdout.text());
`;

const CTS_CONSUMER = `import fs = require('node:fs');
import { WASI, type MountSource, type WASIOptions } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
const root: MountSource = ({ clock }) => new MemoryFileSystem({ clock });
const options: WASIOptions = { version: 'preview1', args: ['x'], mounts: { '/': root } };
const wasi: WASI = new WASI(options);
const code: number = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync('x.wasm')), wasi.getImportObject()));
export { code };
`;

const MTS_CONSUMER = `import { readFileSync } from 'node:fs';
import { WASI } from '@vos/wasi';
import { FakeClock } from '@vos/clock';
import { CollectorSink, createStdio } from '@vos/stdio';
const clock = new FakeClock();
const out = new CollectorSink();
const wasi = new WASI({ version: 'preview1', stdio: { stdout: out } });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync('x.wasm')), wasi.getImportObject());
const code: number = wasi.start(instance);
const text: string = out.text();
// @ts-expect-error: a string is not a valid stdout (the types are real, not any)
createStdio({ stdout: 'text' });
export { code, text, clock };
`;

const BROWSER_PAGE = `import { WASI } from '@vos/wasi';
globalThis.WASI = WASI;
`;

function main() {
  const started = Date.now();
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-pack-'));
  report.work = work;
  try {
    const tarballs = path.join(work, 'tarballs');
    const project = path.join(work, 'project');
    fs.mkdirSync(tarballs);
    fs.mkdirSync(project);
    const packages = workspacePackages();

    // npm pack of every package (dist/ must be built: npm ci does it through the root `prepare`).
    const packed = JSON.parse(run('pack', NPM, ['pack', '--json', '--pack-destination', tarballs, ...packages.map((p) => `--workspace=${p.pkg.name}`)], { cwd: ROOT }).stdout);
    report.tarballs = packed.map((p) => ({ name: p.name, file: p.filename, files: p.files.map((f) => f.path), size: p.size }));

    // A fresh project that depends on the tarballs; third-party dependencies come from the registry (or npm's cache).
    const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${path.join(tarballs, p.filename)}`]));
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'uses-vos', version: '1.0.0', private: true, dependencies }, null, 2));
    run('install', NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: project });

    const hello = path.join(project, 'hello.wasm');
    fs.copyFileSync(path.join(ROOT, 'bench', 'wasm', 'bin', 'hello.wasm'), hello);
    fs.writeFileSync(path.join(project, 'run.js'), CJS_PROGRAM);
    fs.writeFileSync(path.join(project, 'run.mjs'), ESM_PROGRAM);
    report.outputs = {
      require: run('require', process.execPath, ['run.js', hello], { cwd: project }).stdout,
      import: run('import', process.execPath, ['run.mjs', hello], { cwd: project }).stdout,
      npx: run('npx', NPX, ['--no', 'vos', 'run', 'hello.wasm'], { cwd: project }).stdout,
    };

    // The packed types, as TypeScript sees them from a CommonJS and from an ES module consumer.
    fs.writeFileSync(path.join(project, 'consumer.cts'), CTS_CONSUMER);
    fs.writeFileSync(path.join(project, 'consumer.mts'), MTS_CONSUMER);
    const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    run('types', process.execPath, [
      tsc, '--noEmit', '--strict', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022',
      '--typeRoots', path.join(ROOT, 'node_modules', '@types'), '--types', 'node', 'consumer.cts', 'consumer.mts',
    ], { cwd: project });

    // A browser bundle from the installed packages (the `browser` export condition, nothing of Node's).
    fs.writeFileSync(path.join(project, 'page.js'), BROWSER_PAGE);
    const esbuildStarted = Date.now();
    const esbuild = require('esbuild');
    const result = esbuild.buildSync({
      entryPoints: [path.join(project, 'page.js')], absWorkingDir: project, bundle: true, platform: 'browser',
      format: 'esm', write: false, metafile: true, logLevel: 'silent',
    });
    report.browser = {
      ms: Date.now() - esbuildStarted,
      inputs: Object.keys(result.metafile.inputs),
      imports: Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path)),
    };
  } catch (err) {
    report.fatal = String(err && err.message ? err.message : err);
  } finally {
    if (process.env.KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
    report.ms = Date.now() - started;
    process.stdout.write(JSON.stringify(report) + '\n');
  }
}

main();
