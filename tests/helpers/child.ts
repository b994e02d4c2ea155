/**
 * Runs test code in a fresh Node process: everything native or foreign (node:wasi, real programs from npm) runs
 * there, never inside the jest worker that runs vos's own tests, so a crash of node:wasi (it is known to die
 * after many instantiations in one process) can neither take the worker down nor leak state into other tests.
 *
 * A child entry is a TypeScript module exporting functions that take and return JSON values. It is bundled once
 * per jest worker with esbuild from the current sources (`@vos/*` mapped to packages/NAME/src, npm packages left
 * as imports), so a child starts in tens of milliseconds and never runs a stale build. Bundled code has no
 * `__dirname` of its own: child functions take absolute paths from the test.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const bundles = new Map<string, string>();
let bundleDir: string | null = null;

/** What the child main writes back: the function's value, or its error. */
type Reply = { ok: true; value: unknown } | { ok: false; error: string };

const CHILD_MAIN = `
'use strict';
const fs = require('node:fs');
const [entry, fn, argsFile, outFile] = process.argv.slice(2);
process.emitWarning = () => {}; // node:wasi's ExperimentalWarning is not a result
(async () => {
  let reply;
  try {
    const mod = require(entry);
    const args = JSON.parse(fs.readFileSync(argsFile, 'utf8'));
    reply = { ok: true, value: await mod[fn](...args) };
  } catch (err) {
    reply = { ok: false, error: err && err.stack ? err.stack : String(err) };
  }
  fs.writeFileSync(outFile, JSON.stringify(reply === undefined ? null : reply));
  process.exit(0);
})();
`;

/** Bundles one entry (argv[1]: JSON of entry, out, alias, external), giving each repo source its own paths. */
const BUILD_SCRIPT = `
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');
const { entry, out, alias, external, esm } = JSON.parse(process.argv[1]);
const paths = {
  name: 'source-paths',
  setup(build) {
    // A package name alone is its sources; a subpath (\`@vos/fs-node/package.json\`) stays a runtime require.
    build.onResolve({ filter: /^@vos\\/[a-z-]+(\\/.*)?$/ }, (args) =>
      alias[args.path] !== undefined ? { path: alias[args.path] } : { path: args.path, external: true });
    build.onLoad({ filter: /\\.ts$/ }, (args) => {
      if (args.path.includes('node_modules') && !args.path.includes('.cache')) return undefined;
      const head = 'const __filename = ' + JSON.stringify(args.path) + '; const __dirname = ' + JSON.stringify(path.dirname(args.path)) + ';\\n';
      return { contents: head + fs.readFileSync(args.path, 'utf8'), loader: 'ts' };
    });
  },
};
esbuild.build({
  entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: esm ? 'esm' : 'cjs', target: 'node20',
  // An ES module (top-level await) still \`require\`s npm packages and node builtins at run time.
  banner: esm ? { js: "import { createRequire as __vosCreateRequire } from 'node:module'; const require = __vosCreateRequire(import.meta.url);" } : {},
  external, logLevel: 'error', sourcemap: 'inline', plugins: [paths], keepNames: true,
}).catch((err) => { console.error(err); process.exit(1); });
`;

export function workDir(): string {
  if (bundleDir === null) {
    // Inside the repo, so the bundle's `require`s of npm packages resolve to the repo's node_modules.
    const cache = path.join(ROOT, 'node_modules', '.cache');
    fs.mkdirSync(cache, { recursive: true });
    // One directory per process (jest workers are killed without an 'exit' event): those of dead ones go.
    for (const name of fs.readdirSync(cache)) {
      const pid = /^vos-child-(\d+)$/.exec(name)?.[1];
      if (pid !== undefined && !alive(Number(pid))) fs.rmSync(path.join(cache, name), { recursive: true, force: true });
    }
    bundleDir = path.join(cache, `vos-child-${process.pid}`);
    fs.rmSync(bundleDir, { recursive: true, force: true });
    fs.mkdirSync(bundleDir);
    fs.writeFileSync(path.join(bundleDir, 'main.js'), CHILD_MAIN);
    process.once('exit', () => fs.rmSync(bundleDir!, { recursive: true, force: true }));
  }
  return bundleDir;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/** npm packages stay `require`s in the bundle (some hold wasm files found relative to themselves). */
function externals(): string[] {
  const names = new Set<string>();
  const add = (file: string): void => {
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, Record<string, string> | undefined>;
    for (const field of ['dependencies', 'devDependencies']) for (const n of Object.keys(pkg[field] ?? {})) if (!n.startsWith('@vos/')) names.add(n);
  };
  add(path.join(ROOT, 'package.json'));
  for (const d of fs.readdirSync(path.join(ROOT, 'packages'))) {
    const file = path.join(ROOT, 'packages', d, 'package.json');
    if (fs.existsSync(file)) add(file);
  }
  return [...names];
}

/** The child entry bundled to one CommonJS file (once per process); `esm` makes an ES module (top-level await). */
export function bundle(entry: string, esm = false): string {
  const abs = path.resolve(entry);
  let out = bundles.get(abs);
  if (out !== undefined) return out;
  const alias: Record<string, string> = {};
  for (const d of fs.readdirSync(path.join(ROOT, 'packages'))) {
    const src = path.join(ROOT, 'packages', d, 'src', 'index.ts');
    if (fs.existsSync(src)) alias[`@vos/${d}`] = src;
  }
  out = path.join(workDir(), `${path.basename(abs, '.ts')}-${bundles.size}.${esm ? 'mjs' : 'js'}`);
  // esbuild's synchronous API takes no plugins, and the plugin is what keeps `__dirname`/`__filename` true to
  // each source file (test code finds its fixtures with them): the build runs in a short node process.
  execFileSync(process.execPath, ['-e', BUILD_SCRIPT, JSON.stringify({ entry: abs, out, alias, external: externals(), esm })], { cwd: ROOT, stdio: 'pipe' });
  bundles.set(abs, out);
  return out;
}

function prepare(entry: string, fn: string, args: unknown[]): { argv: string[]; outFile: string } {
  const dir = workDir();
  const id = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const argsFile = path.join(dir, `${id}.args.json`);
  const outFile = path.join(dir, `${id}.out.json`);
  fs.writeFileSync(argsFile, JSON.stringify(args));
  return { argv: ['--no-warnings', path.join(dir, 'main.js'), bundle(entry), fn, argsFile, outFile], outFile };
}

function collect<T>(outFile: string, status: number | null, signal: string | null, stderr: string, what: string): T {
  let reply: Reply | undefined;
  try {
    reply = JSON.parse(fs.readFileSync(outFile, 'utf8')) as Reply;
  } catch {
    reply = undefined;
  } finally {
    fs.rmSync(outFile, { force: true });
    fs.rmSync(outFile.replace(/\.out\.json$/, '.args.json'), { force: true });
  }
  if (reply === undefined) throw new Error(`${what}: the child process ended without a reply (status ${status}, signal ${signal})\n${stderr}`);
  if (!reply.ok) throw new Error(`${what} failed in the child process:\n${reply.error}`);
  return reply.value as T;
}

/**
 * Node flags for a child that runs node:wasi. node:wasi crashes the process now and then (SIGSEGV, sometimes
 * SIGTRAP) when a guest grows its memory a lot, e.g. CRuby: measured here, about one run in two of the CRuby test
 * in a fresh process, and never once with V8's fast API calls turned off, which is the path node:wasi's
 * syscalls take into native code. This is node:wasi's bug, not vos's (vos runs never use these flags).
 */
export const NODE_WASI_FLAGS: readonly string[] = ['--no-turbo-fast-api-calls'];

/** Calls `fn(...args)` exported by the TypeScript module `entry` in a fresh Node process; returns its value. */
export function callInChild<T>(entry: string, fn: string, ...args: unknown[]): T {
  return callWith<T>([], entry, fn, args);
}

function callWith<T>(flags: readonly string[], entry: string, fn: string, args: unknown[]): T {
  const { argv, outFile } = prepare(entry, fn, args);
  const r = spawnSync(process.execPath, [...flags, ...argv], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
  return collect<T>(outFile, r.status, r.signal, r.stderr ?? '', `${path.basename(entry)} ${fn}`);
}

/** `callInChild` without blocking the jest worker: several children can run at once. */
export function callInChildAsync<T>(entry: string, fn: string, ...args: unknown[]): Promise<T> {
  return callWithAsync<T>([], entry, fn, args);
}

function callWithAsync<T>(flags: readonly string[], entry: string, fn: string, args: unknown[]): Promise<T> {
  const { argv, outFile } = prepare(entry, fn, args);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...flags, ...argv], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('close', (status, signal) => {
      try {
        resolve(collect<T>(outFile, status, signal, stderr, `${path.basename(entry)} ${fn}`));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** `callInChildAsync` for a child that runs node:wasi (with NODE_WASI_FLAGS). */
export function nodeWasiBaseline<T>(entry: string, fn: string, ...args: unknown[]): Promise<T> {
  return callWithAsync<T>(NODE_WASI_FLAGS, entry, fn, args);
}

/** `callInChild` for a child that runs node:wasi (with NODE_WASI_FLAGS). */
export function nodeWasiBaselineSync<T>(entry: string, fn: string, ...args: unknown[]): T {
  return callWith<T>(NODE_WASI_FLAGS, entry, fn, args);
}
