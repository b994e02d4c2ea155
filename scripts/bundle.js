#!/usr/bin/env node
'use strict';
// The JavaScript half of `npm run build` (the other half, `tsc -b`, type-checks and writes the .d.ts files).
// Every package's outputs are read from its own package.json, so a new package needs no change here:
//   exports  "./dist/X.js"          CommonJS for Node: src/X.ts and what it imports from its own src/, bundled
//                                   into dist/X.impl.js and loaded by the stub dist/X.js with V8's code cache
//            "./dist/X.mjs"         ES module for Node: re-exports ./X.js (one copy of each package per process)
//            "./dist/browser/X.js"  ES module for browsers: src/X.browser.ts if it exists, else src/X.ts; a file
//                                   src/Y.browser.ts replaces src/Y.ts; no node:* import may remain (checked)
//   vos.entries     ["src/Z.ts", ...]   more CommonJS files loaded at run time: by path (a worker script), or by a
//                                       `require("./Z")` in the package, which stays a require of dist/Z.js (lazy)
//   vos.bundle      ["inversify", ...]  npm dependencies inlined in the Node builds (cold start; see decisions.md)
//   vos.standalone  { "dist/S.js": "src/S.ts" }  one CommonJS file with everything inlined (the vos command)
// Other packages (@vos/*) and npm dependencies stay imports, so a process holds one copy of each.
// See docs/decisions.md, "Build layout", for the reasons.
const fs = require('node:fs');
const path = require('node:path');
const { builtinModules } = require('node:module');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const PACKAGES = path.join(ROOT, 'packages');
const NODE_TARGET = 'node20';
const BROWSER_TARGET = 'es2022';
const BUILTINS = new Set(builtinModules);

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

function isBuiltin(specifier) {
  return specifier.startsWith('node:') || BUILTINS.has(packageName(specifier));
}

/** Every string target under an `exports` value (conditions nest). */
function exportTargets(value, out = []) {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) exportTargets(v, out);
  return out;
}

/**
 * Bare imports stay imports, except npm packages named in `inline` and, with them, what they import themselves
 * (an importer under node_modules/ was reached through an inlined package); relative imports are bundled.
 */
function externalsPlugin(inline) {
  return {
    name: 'vos-externals',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (isBuiltin(args.path)) return { path: args.path, external: true };
        if (inline.has(packageName(args.path))) return undefined;
        if (inline.size > 0 && args.importer.split(path.sep).includes('node_modules')) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * A `require('./y')` of one of the package's own `vos.entries` stays a `require` of the built file
 * (`./y.js`, next to the bundle in dist/), so what that file holds is loaded, compiled (from its own code cache)
 * and evaluated only when the call runs: `@vos/wasi` requires inversify that way (src/modules-container.ts).
 * An `import` is bundled as usual.
 */
function lazyEntriesPlugin(job) {
  const entries = new Set(job.entries.map((e) => path.join(job.dir, e)));
  return {
    name: 'vos-lazy-entries',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        if (args.kind !== 'require-call') return undefined;
        const file = path.resolve(args.resolveDir, args.path);
        const source = [file, `${file}.ts`].find((f) => entries.has(f));
        if (source === undefined || path.join(job.dir, job.entry) === source) return undefined;
        return { path: `./${path.basename(source).replace(/\.ts$/, '.js')}`, external: true };
      });
    },
  };
}

/**
 * In the one-file build of a command, a `require()` of an npm package gets the package's ES module build, the one
 * an `import` gets: one file never holds both builds of a package (the vos command requires inversify at the
 * first run that needs a container module, and @vos/wasi's container imports it), and esbuild turns the require
 * of a bundled ES module into a lazy initialiser, so the package is still evaluated only when the call runs.
 */
function requireAsImportPlugin() {
  return {
    name: 'vos-require-as-import',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        // Only vos's own sources: a CommonJS package that requires another one expects its CommonJS exports.
        if (args.kind !== 'require-call' || isBuiltin(args.path) || args.path.startsWith('@vos/')) return undefined;
        if (args.importer.split(path.sep).includes('node_modules')) return undefined;
        return build.resolve(args.path, { kind: 'import-statement', resolveDir: args.resolveDir, importer: args.importer });
      });
    },
  };
}

/** `@vos/x` -> packages/x/src/index.ts (the standalone build inlines the sources, not another package's dist). */
function sourcesPlugin() {
  return {
    name: 'vos-sources',
    setup(build) {
      build.onResolve({ filter: /^@vos\/[a-z0-9-]+$/ }, (args) => {
        const file = path.join(PACKAGES, args.path.slice('@vos/'.length), 'src', 'index.ts');
        return fs.existsSync(file) ? { path: file } : undefined;
      });
    },
  };
}

/**
 * For bundling a page from the TypeScript sources (tests, playground): `@vos/x` -> packages/x/src/index.browser.ts
 * or src/index.ts, and the `.browser.ts` replacements below; the same graph the browser builds in dist/ hold.
 */
function browserSourcesPlugins() {
  return [
    {
      name: 'vos-browser-sources',
      setup(build) {
        build.onResolve({ filter: /^@vos\/[a-z0-9-]+$/ }, (args) => {
          const src = path.join(PACKAGES, args.path.slice('@vos/'.length), 'src');
          for (const f of ['index.browser.ts', 'index.ts']) if (fs.existsSync(path.join(src, f))) return { path: path.join(src, f) };
          return undefined;
        });
      },
    },
    browserFilesPlugin(),
  ];
}

/** In a browser build, `./y` resolves to `./y.browser.ts` when that file exists (the platform seam). */
function browserFilesPlugin() {
  return {
    name: 'vos-browser-files',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, (args) => {
        const candidate = path.resolve(args.resolveDir, `${args.path}.browser.ts`);
        return fs.existsSync(candidate) ? { path: candidate } : undefined;
      });
    },
  };
}

/** Fails if a browser build still imports a Node builtin (or a package that is Node-only). */
function checkBrowserImports(metafile, outfile, pkgName) {
  const bad = [];
  for (const [out, meta] of Object.entries(metafile.outputs)) {
    for (const imp of meta.imports) {
      if (isBuiltin(imp.path) || imp.path === '@vos/fs-node' || imp.path === '@vos/cli') bad.push(`${out}: ${imp.path}`);
    }
  }
  if (bad.length) throw new Error(`${pkgName}: the browser build ${outfile} imports Node-only modules:\n  ${bad.join('\n  ')}`);
}

function sourceFor(dir, relOut, browser) {
  // dist/browser/X.js, dist/X.js, dist/X.mjs -> X
  const stem = relOut.replace(/^\.\//, '').replace(/^dist\/(browser\/)?/, '').replace(/\.(m?js)$/, '');
  const candidates = browser ? [`src/${stem}.browser.ts`, `src/${stem}.ts`] : [`src/${stem}.ts`];
  for (const c of candidates) if (fs.existsSync(path.join(dir, c))) return c;
  throw new Error(`${path.basename(dir)}: no source for ${relOut} (looked for ${candidates.join(', ')})`);
}

/** The build jobs of one package, from its package.json. */
function jobsFor(dir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const vos = pkg.vos || {};
  const inline = new Set(vos.bundle || []);
  const jobs = [];
  const seen = new Set();
  const add = (job) => {
    if (seen.has(job.outfile)) return;
    seen.add(job.outfile);
    jobs.push({ ...job, pkg: pkg.name, dir, entries: vos.entries || [] });
  };
  const targets = exportTargets(pkg.exports || {}).filter((t) => /^\.\/dist\/.*\.m?js$/.test(t));
  for (const t of targets) {
    if (t.startsWith('./dist/browser/')) add({ kind: 'browser', outfile: t, entry: sourceFor(dir, t, true) });
    else if (t.endsWith('.mjs')) add({ kind: 'esm-wrapper', outfile: t, cjs: t.replace(/\.mjs$/, '.js') });
    else add({ kind: 'cjs', outfile: t, entry: sourceFor(dir, t, false), inline });
  }
  for (const t of targets.filter((x) => x.endsWith('.mjs'))) {
    const cjs = t.replace(/\.mjs$/, '.js');
    if (!seen.has(cjs)) add({ kind: 'cjs', outfile: cjs, entry: sourceFor(dir, cjs, false), inline });
  }
  for (const entry of vos.entries || []) {
    add({ kind: 'cjs', outfile: `./dist/${path.basename(entry).replace(/\.ts$/, '.js')}`, entry, inline });
  }
  for (const [outfile, entry] of Object.entries(vos.standalone || {})) {
    add({ kind: 'standalone', outfile: `./${outfile.replace(/^\.\//, '')}`, entry });
  }
  return jobs;
}

/**
 * ES module exports become data properties of `module.exports` (esbuild defines getters): other packages read
 * constants such as `Errno.SUCCESS` on every syscall, and a getter per read showed in the profiles. No package
 * exports a binding it reassigns later, so a copy of the values is the same thing.
 */
const DATA_EXPORTS_FOOTER = 'module.exports = Object.defineProperty({ ...module.exports }, "__esModule", { value: true });';

/** The stubs' loader, without its leading comment and 'use strict' (the stub has its own). */
const LOADER = fs.readFileSync(path.join(__dirname, 'code-cache-loader.js'), 'utf8').replace(/^'use strict';\n(\/\/.*\n)*/, '');

/** The names a module exports (for the stub's annotation that Node's ESM loader reads). */
async function exportNames(options) {
  // Not written (write: false); esbuild only needs an output path to name the output in the metafile.
  const outdir = path.join(path.dirname(options.outfile), '.names');
  const result = await esbuild.build({ ...options, format: 'esm', write: false, metafile: true, outfile: undefined, outdir, footer: undefined, sourcemap: false });
  return Object.values(result.metafile.outputs).flatMap((o) => o.exports || []);
}

/**
 * A Node.js CommonJS file as a stub + its bundle: dist/X.js loads dist/X.impl.js with V8's code cache
 * dist/X.impl.<hash>.cache (the loader, scripts/code-cache-loader.js, is inlined in the stub). The stub ends with the `0 && (module.exports = {...})` line that
 * Node's ESM loader reads for the names of a CommonJS module, so `import { WASI } from '@vos/wasi'` works.
 */
async function buildNode(job, options) {
  const stub = path.join(job.dir, job.outfile);
  const impl = stub.replace(/\.js$/, '.impl.js');
  const [names] = await Promise.all([exportNames(options), esbuild.build({ ...options, outfile: impl })]);
  const hash = require('node:crypto').createHash('sha256').update(fs.readFileSync(impl)).digest('hex').slice(0, 16);
  const cache = impl.replace(/\.js$/, `.${hash}.cache`);
  const annotation = names.filter((n) => n !== 'default' && /^[A-Za-z_$][\w$]*$/.test(n));
  fs.writeFileSync(
    stub,
    [
      "'use strict';",
      '// Generated by scripts/bundle.js: the bundle is ./' + path.basename(impl) + ', loaded with V8\'s code cache',
      '// (the loader is scripts/code-cache-loader.js of the vos repository).',
      LOADER.trim(),
      `module.exports = load(path.join(__dirname, ${JSON.stringify(path.basename(impl))}), path.join(__dirname, ${JSON.stringify(path.basename(cache))}), module, require);`,
      `0 && (module.exports = { ${annotation.join(', ')} });`,
      '',
    ].join('\n'),
  );
}

async function runJob(job) {
  const outfile = path.join(job.dir, job.outfile);
  const common = { bundle: true, outfile, logLevel: 'warning', sourcemap: true, legalComments: 'eof', metafile: true };
  switch (job.kind) {
    case 'cjs':
      await buildNode(job, {
        ...common,
        entryPoints: [path.join(job.dir, job.entry)],
        platform: 'node',
        format: 'cjs',
        target: NODE_TARGET,
        footer: { js: DATA_EXPORTS_FOOTER },
        plugins: [lazyEntriesPlugin(job), externalsPlugin(job.inline)],
      });
      return;
    case 'standalone':
      await buildNode(job, {
        ...common,
        entryPoints: [path.join(job.dir, job.entry)],
        platform: 'node',
        format: 'cjs',
        target: NODE_TARGET,
        minify: true,
        footer: { js: DATA_EXPORTS_FOOTER },
        plugins: [requireAsImportPlugin(), sourcesPlugin()],
      });
      return;
    case 'browser': {
      const result = await esbuild.build({
        ...common,
        entryPoints: [path.join(job.dir, job.entry)],
        platform: 'browser',
        format: 'esm',
        target: BROWSER_TARGET,
        plugins: [browserFilesPlugin(), externalsPlugin(new Set())],
      });
      checkBrowserImports(result.metafile, job.outfile, job.pkg);
      if (/\b__require\(/.test(fs.readFileSync(outfile, 'utf8'))) {
        throw new Error(`${job.pkg}: the browser build ${job.outfile} calls require(), which a browser does not have (use a .browser.ts file with a static import)`);
      }
      return;
    }
    case 'esm-wrapper': {
      // Node's ESM loader gives named exports of a CommonJS file (esbuild writes the annotation it reads), so the
      // ES module is a one-line re-export and `import` and `require` share one instance of the package.
      const cjs = `./${path.basename(job.cjs)}`;
      fs.mkdirSync(path.dirname(outfile), { recursive: true });
      fs.writeFileSync(outfile, `export * from '${cjs}';\n`);
      fs.writeFileSync(outfile.replace(/\.mjs$/, '.d.mts'), `export * from '${cjs}';\n`);
      return;
    }
    default:
      throw new Error(`unknown job kind ${job.kind}`);
  }
}

/**
 * Writes the V8 code caches (dist/*.impl.<hash>.cache) from a training run: the programs a cold start runs (hello
 * world through @vos/wasi and through the vos command), in child processes with VOS_CODE_CACHE_WRITE=1. A
 * failed training run fails the build: without the caches every cold start is slower, silently.
 */
function trainCodeCache() {
  const { spawnSync } = require('node:child_process');
  const env = { ...process.env, VOS_CODE_CACHE_WRITE: '1' };
  for (const args of [[path.join(__dirname, 'train-code-cache.js')], [path.join(__dirname, 'train-cli-code-cache.js')]]) {
    if (!fs.existsSync(args[0])) continue;
    const r = spawnSync(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`code-cache training (${path.relative(ROOT, args[0])}) failed:\n${r.stderr.trim()}`);
  }
}

/** JavaScript left in dist/ by an older build (tsc used to emit one .js per source file). */
function cleanJs(dir) {
  const dist = path.join(dir, 'dist');
  if (!fs.existsSync(dist)) return;
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(m?js|m?js\.map|d\.mts|cache)$/.test(e.name)) fs.rmSync(p);
    }
  };
  walk(dist);
}

async function main() {
  const only = process.argv.slice(2);
  const dirs = fs.readdirSync(PACKAGES)
    .map((name) => path.join(PACKAGES, name))
    .filter((d) => fs.existsSync(path.join(d, 'package.json')))
    .filter((d) => only.length === 0 || only.includes(path.basename(d)));
  const jobs = dirs.flatMap(jobsFor);
  for (const d of dirs) cleanJs(d);
  const started = Date.now();
  const failures = [];
  await Promise.all(jobs.map((job) => runJob(job).catch((err) => failures.push(`${job.pkg} ${job.outfile}: ${err.message}`))));
  if (failures.length) {
    process.stderr.write(`bundle: ${failures.length} build(s) failed:\n${failures.join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  const missing = dirs.flatMap((d) => {
    const pkg = JSON.parse(fs.readFileSync(path.join(d, 'package.json'), 'utf8'));
    const files = [...exportTargets(pkg.exports || {}), pkg.main, pkg.types, ...Object.values(pkg.bin || {})].filter(Boolean);
    return files.filter((f) => !fs.existsSync(path.join(d, f))).map((f) => `${pkg.name}: ${f}`);
  });
  if (missing.length) {
    process.stderr.write(`bundle: package.json names files the build did not make:\n  ${missing.join('\n  ')}\n`);
    process.exitCode = 1;
    return;
  }
  // Also after a partial build (the CLI's tests rebuild the command): the rebuilt files' caches were deleted.
  try {
    trainCodeCache();
  } catch (err) {
    process.stderr.write(`bundle: ${err.message}\n`);
    process.exitCode = 1;
    return;
  }
  process.stderr.write(`bundle: ${jobs.length} file(s) for ${dirs.length} package(s) in ${Date.now() - started} ms\n`);
}

module.exports = { jobsFor, packageName, isBuiltin, browserSourcesPlugins };
if (require.main === module) main();
