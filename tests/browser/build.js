'use strict';
/**
 * Bundles browser entry points with esbuild (see docs/decisions.md: one fast, dependency-free bundler for the test
 * pages, the playground and the browser bench). `@vos/*` imports resolve to the packages' TypeScript sources with
 * their browser files (as their `browser` builds do), so the pages test the code in the tree, never a stale build.
 */
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../..');

/**
 * `@vos/x` -> packages/x/src/index.browser.ts or src/index.ts, with each package's `.browser.ts` files in place of
 * their Node.js counterparts: the graph of the packages' browser builds (dist/browser, scripts/bundle.js), from
 * the sources, as jest does.
 */
function vosSourcesPlugins() {
  return require('../../scripts/bundle').browserSourcesPlugins();
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
    plugins: [...vosSourcesPlugins(), ...plugins, noNodeBuiltinsPlugin()],
    loader: { '.wasm': 'file' },
    // Generated entries (the docs/browser.md blocks) live in a temporary directory: npm packages resolve from here.
    nodePaths: [path.join(REPO, 'node_modules')],
  });
  return result.metafile;
}

module.exports = { bundle, REPO };
