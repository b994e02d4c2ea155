'use strict';
// Builds the packages once, before any test file runs: the tests that spawn the vos command (dist/vos.js), run
// the examples and the docs against the packages, pack them, or start a worker script all read dist/. Building it
// here, once, means no test file rebuilds dist/ while another one reads it (a partial rebuild deletes the old
// files first), and no test runs against a dist/ older than the sources.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async function globalSetup() {
  const root = path.join(__dirname, '..', '..');
  const started = Date.now();
  // The same two steps as `npm run build` (tsc -b is incremental: a fraction of a second when nothing changed).
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [path.join(root, 'scripts', 'bundle.js')], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  if (process.env.VOS_TEST_VERBOSE) process.stderr.write(`\nglobal setup: built the packages in ${Date.now() - started} ms\n`);
};
