#!/usr/bin/env node
'use strict';
// `npm run build:adapters`: writes packages/core/src/adapter-modules.generated.ts and adapter-modules.generated.browser.ts,
// the adapter modules of preview1 and snapshot 0 in the form of each platform (Node.js: lazy makers; browsers: one
// factory per instance), generated from the ABI tables (see packages/core/src/adapter-codegen.ts). Run it after
// changing abi/functions.ts, abi/layouts.ts or the generator in adapter.ts; a test fails until the files are current.
const fs = require('node:fs');
const path = require('node:path');
const esbuild = require('esbuild');

const ROOT = path.join(__dirname, '..');
const { outputFiles } = esbuild.buildSync({
  entryPoints: [path.join(ROOT, 'packages', 'core', 'src', 'adapter-codegen.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
});
const generator = { exports: {} };
new Function('module', 'exports', 'require', outputFiles[0].text)(generator, generator.exports, require);
const { ADAPTER_MODULES_FILES, renderAdapterModules } = generator.exports;
for (const [form, relative] of Object.entries(ADAPTER_MODULES_FILES)) {
  const file = path.join(ROOT, relative);
  const text = renderAdapterModules(form);
  const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (before === text) process.stdout.write(`${relative} is current\n`);
  else {
    fs.writeFileSync(file, text);
    process.stdout.write(`wrote ${relative}\n`);
  }
}
