#!/usr/bin/env node
'use strict';
// `npm run build:adapters`: writes packages/core/src/adapter-modules.generated.ts, the adapter modules of preview1
// and snapshot 0 generated from the ABI tables (see packages/core/src/adapter-codegen.ts). Run it after changing
// abi/functions.ts, abi/layouts.ts or the generator in adapter.ts; a test fails until the file is current.
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
const { ADAPTER_MODULES_FILE, renderAdapterModules } = generator.exports;
const file = path.join(ROOT, ADAPTER_MODULES_FILE);
const text = renderAdapterModules();
const before = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
if (before === text) process.stdout.write(`${ADAPTER_MODULES_FILE} is current\n`);
else {
  fs.writeFileSync(file, text);
  process.stdout.write(`wrote ${ADAPTER_MODULES_FILE}\n`);
}
