// The Node builds of @vos/wasi carry their own copy of inversify (inlined for cold start, docs/decisions.md "Cold
// start") and evaluate it only when a host first needs a container of theirs: `modules` without `container`. A
// `new WASI` composed from options, the common case and what a cold `require('@vos/wasi')` + hello world costs,
// runs none of its code; neither does a host that brings its own container. Checked on the built package (dist/,
// made by `npm run build`; jest's global setup builds it) in child processes (lazy-inversify.js), through the
// CommonJS and the ES module entries, with V8's precise coverage: which of the inlined modules' initialisers ran.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Report {
  fatal?: string;
  code: number;
  stdout: string;
  scripts: string[];
  initialisers: boolean;
  inversify: string[] | null;
  reflectMetadata: string[] | null;
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
  // inversify is inlined as lazy initialisers (scripts/bundle.js), one per module, named after its file: what
  // the coverage below reads. An eager import would inline it as top-level code, with no such function.
  expect(report.initialisers).toBe(true);
  return report;
}

const INVERSIFY = 'node_modules/inversify/lib/esm/index.js';
const CONTAINER = 'node_modules/@inversifyjs/container/lib/esm/index.js';

describe.each(['require', 'import'] as const)('the inversify inlined in @vos/wasi, loaded with %s', (entry) => {
  test('is not evaluated by a WASI composed from options', () => {
    const report = run('plain', entry);
    expect(report.inversify).toEqual([]);
    // The Reflect metadata API is still installed at load, for hosts' decorated classes (metadata-api.ts);
    // reflect-metadata/lite, which inversify imports, is not.
    expect(report.reflectMetadata).toEqual(['node_modules/reflect-metadata/Reflect.js']);
  });

  test('is evaluated when `modules` come without a container (it makes the container)', () => {
    const report = run('modules', entry);
    expect(report.inversify).toEqual(expect.arrayContaining([INVERSIFY, CONTAINER]));
  });

  test("is not evaluated when the host brings its own container (the host's inversify does the work)", () => {
    expect(run('container', entry).inversify).toEqual([]);
  });
});
