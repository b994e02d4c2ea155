/**
 * Every fenced code block of README.md and docs/*.md is run, or checked, or skipped for a stated reason. What
 * happens to a block is said by an HTML comment on the line just above its opening fence (invisible on GitHub):
 *
 *   <!-- block: run -->                 a JavaScript/TypeScript program, run from the repo root (exit 0, no stderr)
 *   <!-- block: run with FIXTURE -->    the same, with FIXTURE's code (below) run first: files, variables
 *   <!-- block: continues -->           appended to the previous block of the same file: one program
 *   <!-- block: jest -->                run with `test`/`describe`/`expect` (jest's own `expect` package)
 *   <!-- block: excerpt PATH -->        the block is a verbatim excerpt of PATH, a file a test runs
 *   <!-- block: sh -->                  run by bash from the repo root, with node_modules/.bin on PATH
 *   <!-- block: skip REASON -->         not run; REASON says why (at least a few words)
 *
 * A `js`/`ts` block without a comment is `run`; any other block needs one. Programs are bundled from the current
 * sources (`@vos/*` → packages/NAME/src) and run in a child process, as every foreign thing here is.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { bundle, workDir } from '../helpers/child';

const ROOT = path.resolve(__dirname, '../..');

/** Code a `run with NAME` block gets first (inside its program, so its variables are in scope). */
const FIXTURES: Record<string, string> = {
  /** What the drop-in snippet assumes: a compiled `module` (a guest that exits 0) and a `./data` directory. */
  'drop-in': `
    const __fs = require('node:fs');
    const __os = require('node:os');
    const __path = require('node:path');
    const module = new WebAssembly.Module(__fs.readFileSync('tests/cli/fixtures/vostest.wasm'));
    const __dir = __fs.mkdtempSync(__path.join(__os.tmpdir(), 'vos-docs-dropin-'));
    __fs.mkdirSync(__path.join(__dir, 'data'));
    process.chdir(__dir);
  `,
  /** The provider walkthrough's free names: \`files\`, \`out\` (a host fd) and the WASI class. */
  'map-provider': `
    import { WASI } from '@vos/wasi';
    const files = new Map([['greeting.txt', 'hello\\n'], ['docs/a.md', '# A']]);
    const out = require('node:fs').openSync('/dev/null', 'w');
  `,
  /** Host directories `projectDir` and `dataDir`, and the imports the layering snippet uses. */
  'layering': `
    import { WASI } from '@vos/wasi';
    import { SystemClock } from '@vos/clock';
    import { MemoryFileSystem } from '@vos/fs-memory';
    import { createNodeFileSystem } from '@vos/fs-node';
    import { OverlayFileSystem, ReadOnlyFileSystem, FaultyFileSystem } from '@vos/fs-overlay';
    import { Errno } from '@vos/core';
    const __fs = require('node:fs');
    const __os = require('node:os');
    const __path = require('node:path');
    const projectDir = __fs.mkdtempSync(__path.join(__os.tmpdir(), 'vos-docs-project-'));
    const dataDir = __fs.mkdtempSync(__path.join(__os.tmpdir(), 'vos-docs-data-'));
  `,
  /** The worker snippet's free names: `fs`, a `prog.wasm` (the hello example) and an AbortController. */
  'worker': `
    const fs = require('node:fs');
    const __os = require('node:os');
    const __path = require('node:path');
    const __dir = fs.mkdtempSync(__path.join(__os.tmpdir(), 'vos-docs-worker-'));
    fs.copyFileSync('examples/hello/hello.wasm', __path.join(__dir, 'prog.wasm'));
    process.chdir(__dir);
    const controller = new AbortController();
  `,
};

/** Loads `test`, `describe` and jest's `expect` as globals, runs the tests at exit of the module body. */
const JEST_SHIM = `
const __tests = [];
globalThis.expect = require('expect').expect;
globalThis.test = globalThis.it = (name, fn) => __tests.push([name, fn]);
globalThis.describe = (_name, fn) => fn();
setTimeout(async () => {
  for (const [name, fn] of __tests) {
    try { await fn(); } catch (err) { console.error('FAILED: ' + name + '\\n' + (err && err.stack || err)); process.exitCode = 1; }
  }
}, 0);
`;

interface Block {
  file: string;
  line: number;
  lang: string;
  code: string;
  directive: string;
}

/** The fenced blocks of a markdown file, with the `<!-- block: ... -->` directive above each (or ''). */
function blocksOf(file: string): Block[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const out: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]);
    if (open === null) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(Math.min(indent, lines[j].length - lines[j].trimStart().length)));
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const m = k >= 0 ? /^\s*<!--\s*block:\s*(.*?)\s*-->\s*$/.exec(lines[k]) : null;
    out.push({ file, line: i + 1, lang: open[2], code: body.join('\n'), directive: m === null ? '' : m[1] });
    i = j;
  }
  return out;
}

const FILES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const ALL = FILES.flatMap(blocksOf);

/** Programs: `continues` blocks are merged into the block they continue. */
interface Program {
  name: string;
  code: string;
  jest: boolean;
  /** A `js` block: run as CommonJS, as a reader would; `ts` blocks run as ES modules. */
  javascript: boolean;
}

function programs(): { programs: Program[]; excerpts: Block[]; scripts: Block[]; skipped: Block[] } {
  const progs: Program[] = [];
  const excerpts: Block[] = [];
  const scripts: Block[] = [];
  const skipped: Block[] = [];
  let last: { program: Program; file: string } | null = null;
  for (const b of ALL) {
    const where = `${b.file}:${b.line}`;
    const d = b.directive;
    const code = /^(js|ts|javascript|typescript|mjs)$/.test(b.lang);
    if (d.startsWith('skip')) {
      skipped.push(b);
      continue;
    }
    if (d.startsWith('excerpt ')) {
      excerpts.push(b);
      continue;
    }
    if (d === 'sh') {
      scripts.push(b);
      continue;
    }
    if (d === 'continues') {
      if (last === null || last.file !== b.file) throw new Error(`${where}: "continues" with no block before it in ${b.file}`);
      // Its own scope (a block may declare a name again, as a reader would in a new file); imports stay on top.
      const lines = b.code.split('\n');
      const imports = lines.filter((l) => /^import\s.*from\s.*;\s*$/.test(l));
      const rest = lines.filter((l) => !imports.includes(l));
      last.program.code = `${imports.join('\n')}\n${last.program.code}\n// ${where}\n{\n${rest.join('\n')}\n}`;
      continue;
    }
    const run = /^run( with ([\w-]+))?$/.exec(d);
    if (d === '' && !code) throw new Error(`${where}: a \`${b.lang || 'plain'}\` block needs a <!-- block: ... --> comment`);
    if (d !== '' && d !== 'jest' && run === null) throw new Error(`${where}: unknown directive "${d}"`);
    const fixture = run?.[2];
    if (fixture !== undefined && FIXTURES[fixture] === undefined) throw new Error(`${where}: no fixture "${fixture}"`);
    const program: Program = {
      name: where, code: `${fixture === undefined ? '' : FIXTURES[fixture]}\n// ${where}\n${b.code}`, jest: d === 'jest', javascript: /^(js|javascript)$/.test(b.lang),
    };
    progs.push(program);
    last = { program, file: b.file };
  }
  return { programs: progs, excerpts, scripts, skipped };
}

const { programs: PROGRAMS, excerpts: EXCERPTS, scripts: SCRIPTS, skipped: SKIPPED } = programs();

test('the docs have code blocks, and every directive is understood', () => {
  expect(ALL.length).toBeGreaterThan(20);
  expect(PROGRAMS.length).toBeGreaterThan(5);
});

test.each(SKIPPED.map((b) => [`${b.file}:${b.line}`, b] as const))('%s is skipped for a stated reason', (_n, b) => {
  expect(b.directive.replace(/^skip\s*/, '').split(/\s+/).length).toBeGreaterThanOrEqual(3);
});

test.each(EXCERPTS.map((b) => [`${b.file}:${b.line}`, b] as const))('%s is an excerpt of a tested file', (_n, b) => {
  const source = b.directive.replace(/^excerpt\s+/, '');
  const text = fs.readFileSync(path.join(ROOT, source), 'utf8');
  const norm = (s: string): string => s.split('\n').map((l) => l.trim()).filter((l) => l !== '' && l !== '// ...').join('\n');
  expect(norm(text)).toContain(norm(b.code));
});

(SCRIPTS.length > 0 ? test.each : (_t: unknown) => test.skip)(SCRIPTS.map((b) => [`${b.file}:${b.line}`, b] as const))('%s runs in bash', (_n: string, b: Block) => {
  const r = spawnSync('bash', ['-euo', 'pipefail', '-c', b.code], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` }, timeout: 60_000,
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
}, 70_000);

test.each(PROGRAMS.map((p) => [p.name, p] as const))('%s runs', (_n, p) => {
  const dir = path.join(workDir(), 'docs-blocks');
  fs.mkdirSync(dir, { recursive: true });
  const base = path.join(dir, p.name.replace(/[^\w]+/g, '_'));
  let argv: string[];
  if (p.javascript) {
    // As a reader runs it: a CommonJS file, `node file.js` (so `const module = ...` fails as it would for them),
    // with `@vos/*` loaded from the current sources.
    fs.writeFileSync(`${base}.js`, `${p.jest ? JEST_SHIM : ''}\n${p.code}\n`);
    argv = ['-r', path.join(ROOT, 'tests/api/ts-register.js'), `${base}.js`];
  } else {
    // TypeScript as an ES module (top-level await, imports), bundled from the current sources.
    fs.writeFileSync(`${base}.ts`, `${p.jest ? JEST_SHIM : ''}\n${p.code}\nexport {};\n`);
    argv = [bundle(`${base}.ts`, true)];
  }
  // Its own TMPDIR, removed afterwards: the fixtures (and the blocks, as a reader's program would) make
  // temporary directories and leave them.
  const tmp = fs.mkdtempSync(`${base}.tmp-`);
  try {
    const r = spawnSync(process.execPath, ['--no-warnings', ...argv], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TMPDIR: tmp } });
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}, 90_000);
