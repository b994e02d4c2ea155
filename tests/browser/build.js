'use strict';
/**
 * Bundles browser entry points with esbuild (see docs/decisions.md: one fast, dependency-free bundler for the test
 * pages, the playground and the browser bench). `@vos/*` imports resolve through each package's `browser` export
 * condition when the package has one, else to the package's TypeScript sources (as jest does), so the pages test
 * the code in the tree, never a stale build.
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');

/** `@vos/x` -> the browser entry of packages/x if its package.json declares one, else packages/x/src/index.ts. */
function vosSourcesPlugin() {
  return {
    name: 'vos-sources',
    setup(build) {
      build.onResolve({ filter: /^@vos\/[a-z-]+$/ }, (args) => {
        const dir = path.join(REPO, 'packages', args.path.slice('@vos/'.length));
        const src = path.join(dir, 'src', 'index.ts');
        const browserSrc = path.join(dir, 'src', 'browser.ts');
        if (fs.existsSync(browserSrc)) return { path: browserSrc };
        if (fs.existsSync(src)) return { path: src };
        return undefined;
      });
    },
  };
}

/**
 * Fails the build when anything in the graph imports a `node:*` module (or a bare Node builtin): the browser
 * graph must not contain one.
 */
function noNodeBuiltinsPlugin() {
  const builtins = new Set(require('node:module').builtinModules);
  return {
    name: 'no-node-builtins',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        if (!args.path.startsWith('node:') && !builtins.has(bare)) return undefined;
        return { errors: [{ text: `${args.path} imported by ${path.relative(REPO, args.importer)}: no Node builtin may reach a browser bundle` }] };
      });
    },
  };
}

/**
 * Bundles `entries` ({ outName: absolute entry path }) into `outdir` as ES modules for Chromium.
 * @returns {Promise<import('esbuild').Metafile>}
 */
async function bundle(entries, outdir, { minify = false, plugins = [] } = {}) {
  const esbuild = require('esbuild');
  const result = await esbuild.build({
    entryPoints: entries,
    outdir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['browser'],
    sourcemap: 'linked',
    minify,
    metafile: true,
    logLevel: 'error',
    plugins: [vosSourcesPlugin(), ...plugins, noNodeBuiltinsPlugin()],
    loader: { '.wasm': 'file' },
  });
  return result.metafile;
}

module.exports = { bundle, REPO };
