// The Node builds of @vos/wasi carry their own copy of inversify (inlined for cold start, docs/decisions.md "Cold
// start") in a file of its own, dist/inversify-container.js, loaded only when a host first needs a container of
// theirs: `modules` without `container`. A `new WASI` composed from options, the common case and what a cold
// `require('@vos/wasi')` + hello world costs, neither loads nor evaluates it; neither does a host that brings its
// own container. Checked on the built package (dist/, made by `npm run build`; jest's global setup builds it) in
// child processes (lazy-inversify.js), through the CommonJS and the ES module entries, with V8's precise
// coverage: which of @vos/wasi's files were compiled, and which functions of the inlined reflect-metadata ran;
// and with a mark inversify leaves when it is evaluated (inversify-probe.js: the registered symbols it makes).
// The vos command, one minified file with inversify inlined, evaluates it only for a run that needs a container
// module (`--seed`, `--fake-clock`, `--deterministic`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Report {
  fatal?: string;
  code: number;
  stdout: string;
  scripts: string[];
  reflectMetadata: string[];
  indexInlines: string[];
  /** inversify's registered symbols made in the process (inversify-probe.js). */
  symbols: string[];
}

const PROBE = join(__dirname, 'inversify-probe.js');
/** The symbol `@inversifyjs/common` makes when it is evaluated. */
const MARK = '@inversifyjs/common/islazyServiceIdentifier';

/** What inversify-probe.js reported on a child's stderr. */
function probed(stderr: string): string[] {
  const line = /^vos-inversify-probe (.*)$/m.exec(stderr);
  if (line === null) throw new Error(`no report from inversify-probe.js: ${stderr}`);
  return JSON.parse(line[1]) as string[];
}

function run(mode: 'plain' | 'modules' | 'container', entry: 'require' | 'import'): Report {
  if (!existsSync(join(ROOT, 'packages', 'wasi', 'dist', 'index.impl.js'))) {
    throw new Error('the packages are not built: run `npm run build` first (npm ci does)');
  }
  const r = spawnSync(process.execPath, ['--require', PROBE, join(__dirname, 'lazy-inversify.js'), mode, entry], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let report: Report;
  try {
    report = JSON.parse(last) as Report;
  } catch {
    throw new Error(`lazy-inversify.js gave no report (exit ${r.status}): ${r.stderr}`);
  }
  if (report.fatal) throw new Error(report.fatal);
  report.symbols = probed(r.stderr);
  // The guest ran (hello world prints, then finds no preopen to write to and exits 1).
  expect(report.stdout).toBe('hello from hello, with 0 argument(s)\n');
  expect(report.scripts).toContain('packages/wasi/dist/index.impl.js');
  // The bundle every host loads inlines reflect-metadata, and no inversify (nor a package of it, @inversifyjs/*).
  expect(report.indexInlines).toEqual(['reflect-metadata']);
  return report;
}

const CHUNK = 'packages/wasi/dist/inversify-container.impl.js';
const REFLECT = 'node_modules/reflect-metadata/Reflect.js';
const REFLECT_LITE = 'node_modules/reflect-metadata/ReflectLite.js';

describe.each(['require', 'import'] as const)('the inversify of @vos/wasi, loaded with %s', (entry) => {
  test('is not loaded by a WASI composed from options', () => {
    const report = run('plain', entry);
    expect(report.scripts).not.toContain(CHUNK);
    expect(report.symbols).toEqual([]);
    // The Reflect metadata API is still installed at load, for hosts' decorated classes (metadata-api.ts);
    // reflect-metadata/lite, which inversify imports, is not evaluated.
    expect(report.reflectMetadata).toEqual([REFLECT]);
  });

  test('is loaded and evaluated when `modules` come without a container (it makes the container)', () => {
    const report = run('modules', entry);
    expect(report.scripts).toContain(CHUNK);
    expect(report.symbols).toContain(MARK);
    expect(report.reflectMetadata).toEqual([REFLECT, REFLECT_LITE]);
  });

  test("is not loaded when the host brings its own container (the host's inversify does the work)", () => {
    const report = run('container', entry);
    expect(report.scripts).not.toContain(CHUNK);
    // (The host's own inversify, from node_modules, makes the same symbols: this test cannot tell them apart.)
    expect(report.reflectMetadata).toEqual([REFLECT]);
  });
});

describe('the inversify inlined in the vos command', () => {
  function vosRun(flags: string[]): { stdout: string; symbols: string[] } {
    const bin = join(ROOT, 'packages', 'cli', 'bin', 'vos.js');
    const hello = join('examples', 'hello', 'hello.wasm');
    const r = spawnSync(process.execPath, ['--require', PROBE, bin, 'run', ...flags, hello], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(0);
    return { stdout: r.stdout, symbols: probed(r.stderr) };
  }

  test('is not evaluated by `vos run hello.wasm`', () => {
    const run = vosRun([]);
    expect(run.stdout).toMatch(/^hello from examples\/hello\/hello\.wasm/);
    expect(run.symbols).toEqual([]);
  });

  test.each([['--seed', '1'], ['--fake-clock'], ['--deterministic']])('is evaluated by `vos run %s` (a container module)', (...flags) => {
    const run = vosRun(flags);
    expect(run.stdout).toMatch(/^hello from examples\/hello\/hello\.wasm/);
    expect(run.symbols).toContain(MARK);
  });
});
