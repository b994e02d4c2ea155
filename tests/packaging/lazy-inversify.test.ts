// The Node builds of @vos/wasi carry their own copy of inversify (inlined for cold start, docs/decisions.md "Cold
// start") in a file of its own, dist/inversify-container.js, loaded only when a host first needs a container of
// theirs: `modules` without `container`. A `new WASI` composed from options, the common case and what a cold
// `require('@vos/wasi')` + hello world costs, neither loads nor evaluates it; neither does a host that brings its
// own container. Checked on the built package (dist/, made by `npm run build`; jest's global setup builds it) in
// child processes (lazy-inversify.js), through the CommonJS and the ES module entries, with V8's precise
// coverage: which of @vos/wasi's files were compiled, and which functions of the inlined reflect-metadata ran.
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
}

function run(mode: 'plain' | 'modules' | 'container', entry: 'require' | 'import'): Report {
  if (!existsSync(join(ROOT, 'packages', 'wasi', 'dist', 'index.impl.js'))) {
    throw new Error('the packages are not built: run `npm run build` first (npm ci does)');
  }
  const r = spawnSync(process.execPath, [join(__dirname, 'lazy-inversify.js'), mode, entry], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  let report: Report;
  try {
    report = JSON.parse(last) as Report;
  } catch {
    throw new Error(`lazy-inversify.js gave no report (exit ${r.status}): ${r.stderr}`);
  }
  if (report.fatal) throw new Error(report.fatal);
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
    // The Reflect metadata API is still installed at load, for hosts' decorated classes (metadata-api.ts);
    // reflect-metadata/lite, which inversify imports, is not evaluated.
    expect(report.reflectMetadata).toEqual([REFLECT]);
  });

  test('is loaded and evaluated when `modules` come without a container (it makes the container)', () => {
    const report = run('modules', entry);
    expect(report.scripts).toContain(CHUNK);
    expect(report.reflectMetadata).toEqual([REFLECT, REFLECT_LITE]);
  });

  test("is not loaded when the host brings its own container (the host's inversify does the work)", () => {
    const report = run('container', entry);
    expect(report.scripts).not.toContain(CHUNK);
    expect(report.reflectMetadata).toEqual([REFLECT]);
  });
});
