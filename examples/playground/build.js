'use strict';
/**
 * Builds the playground into a static site: main.js and worker.js (bundled by esbuild from src/ and vos's
 * sources, browser builds), index.html, style.css and the sample programs. Everything it needs is in the
 * output directory: it works offline from any static server that sends the two cross-origin-isolation headers.
 */
const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;

/** Builds into `outDir` (created); `minify` for a smaller site. Resolves to the esbuild metafile. */
async function buildPlayground(outDir, { minify = false } = {}) {
  const esbuild = require('esbuild');
  const { browserSourcesPlugins } = require('../../scripts/bundle');
  fs.mkdirSync(path.join(outDir, 'programs'), { recursive: true });
  const result = await esbuild.build({
    entryPoints: { main: path.join(HERE, 'src/main.ts'), worker: path.join(HERE, 'src/worker.ts') },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    conditions: ['browser'],
    sourcemap: 'linked',
    minify,
    metafile: true,
    logLevel: 'error',
    plugins: browserSourcesPlugins(),
  });
  for (const f of ['index.html', 'style.css']) fs.copyFileSync(path.join(HERE, f), path.join(outDir, f));
  for (const f of fs.readdirSync(path.join(HERE, 'programs'))) {
    if (f.endsWith('.wasm')) fs.copyFileSync(path.join(HERE, 'programs', f), path.join(outDir, 'programs', f));
  }
  return result.metafile;
}

module.exports = { buildPlayground };
