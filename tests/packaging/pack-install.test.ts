// Issue 8.4, "Using vos in your own project": every package packs, and the tarballs installed into a fresh project
// outside the repository work through require(), import(), npx vos, TypeScript (CommonJS and ES module
// consumers) and a browser bundler. The whole flow runs in a child process (pack-install.js), on the built
// packages (dist/, made by `npm run build`, which `npm ci` runs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Report {
  fatal?: string;
  ms: number;
  steps: Record<string, { ms: number; status: number | null; stdout: string; stderr: string }>;
  tarballs: { name: string; file: string; files: string[]; size: number }[];
  outputs: { require: string; import: string; npx: string };
  browser: { inputs: string[]; imports: string[] };
}

const packages = readdirSync(join(ROOT, 'packages'))
  .filter((d) => existsSync(join(ROOT, 'packages', d, 'package.json')))
  .map((d) => ({ dir: d, pkg: JSON.parse(readFileSync(join(ROOT, 'packages', d, 'package.json'), 'utf8')) }))
  .filter(({ pkg }) => !pkg.private);

let report: Report;

beforeAll(() => {
  if (!existsSync(join(ROOT, 'packages', 'wasi', 'dist', 'index.js'))) {
    throw new Error('the packages are not built: run `npm run build` first (npm ci does)');
  }
  const r = spawnSync(process.execPath, [join(__dirname, 'pack-install.js')], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  try {
    report = JSON.parse(last) as Report;
  } catch {
    throw new Error(`pack-install.js gave no report (exit ${r.status}): ${r.stderr}`);
  }
  if (report.fatal) throw new Error(report.fatal);
  process.stdout.write(`pack + install + use: ${report.ms} ms (${Object.entries(report.steps).map(([k, v]) => `${k} ${v.ms}`).join(', ')})\n`);
}, 300_000);

describe('package metadata', () => {
  test.each(packages.map((p) => [p.pkg.name, p] as const))('%s: license, repository, engines, files, exports with types', (_name, { dir, pkg }) => {
    expect(pkg.license).toBe('Apache-2.0');
    expect(pkg.repository).toEqual(expect.objectContaining({ type: 'git', directory: `packages/${dir}` }));
    expect(pkg.engines).toEqual({ node: '>=20.19' });
    expect(pkg.files).toEqual(expect.arrayContaining(['dist']));
    const dot = pkg.exports['.'];
    // ESM and CommonJS each get their own types; a `browser` condition, when present, comes first.
    expect(dot.import).toEqual({ types: './dist/index.d.mts', default: './dist/index.mjs' });
    expect(dot.default).toEqual({ types: './dist/index.d.ts', default: './dist/index.js' });
    if (dot.browser !== undefined) {
      expect(Object.keys(dot)[0]).toBe('browser');
      expect(dot.browser.default).toBe('./dist/browser/index.js');
      expect(pkg.browser).toBe('./dist/browser/index.js');
    }
    expect(pkg.exports['./package.json']).toBe('./package.json');
    expect(pkg.main).toBe('./dist/index.js');
    expect(pkg.types).toBe('./dist/index.d.ts');
  });

  test('the packages a page uses have a browser build; the host-only ones do not', () => {
    const browser = packages.filter((p) => p.pkg.exports['.'].browser !== undefined).map((p) => p.pkg.name);
    expect(browser).toEqual(expect.arrayContaining(['@vos/core', '@vos/wasi', '@vos/fs-memory', '@vos/fs-overlay', '@vos/clock', '@vos/random', '@vos/stdio']));
    expect(browser).not.toContain('@vos/fs-node');
    expect(browser).not.toContain('@vos/cli');
  });
});

describe('npm pack, then install into a fresh project outside the repository', () => {
  test('every package packs its built files, not its tests', () => {
    expect(report.tarballs.map((t) => t.name).sort()).toEqual(packages.map((p) => p.pkg.name).sort());
    for (const t of report.tarballs) {
      expect(t.files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts']));
      expect(t.files.filter((f) => /\.test\.ts$/.test(f))).toEqual([]);
    }
  });

  test("require('@vos/wasi') runs a program, also with a Container and a ContainerModule of the project's own inversify", () => {
    expect(report.outputs.require).toBe('hello, world\ncontainer: hello, world\nmodules: hello, world\nown modules: true true true 1 FakeClock\n');
  });

  test("import('@vos/wasi') runs a program; every package has named ES module exports", () => {
    expect(report.outputs.import).toBe('esm: hello, world\n');
  });

  test('npx vos run hello.wasm', () => {
    expect(report.outputs.npx).toBe('hello, world\n');
  });

  test('TypeScript (module node16) type-checks a CommonJS and an ES module consumer against the packed types', () => {
    expect(report.steps.types.status).toBe(0);
  });

  test('a browser bundle of the installed @vos/wasi takes the browser builds and nothing of Node', () => {
    const vos = report.browser.inputs.filter((p) => p.includes('@vos/'));
    expect(vos.length).toBeGreaterThan(0);
    for (const p of vos) expect(p).toMatch(/node_modules\/@vos\/[a-z0-9-]+\/dist\/browser\/index\.js$/);
    expect(report.browser.imports).toEqual([]);
  });
});
