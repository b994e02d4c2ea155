#!/usr/bin/env node
'use strict';
// Builds @vos/fs-node's optional native accelerator (native/vos_fs.c) with node-gyp, from source, offline.
// Never fails the install: where the addon cannot be built (not Linux, no compiler, no Node headers, no node-gyp)
// it says why in one line and exits 0, and @vos/fs-node uses its pure-JavaScript path. It never lets node-gyp
// download anything: without local Node headers it does not try.
// Environment: VOS_FS_NODE_NATIVE=0 skips the build; VOS_ADDON_BUILD_STRICT=1 makes a failed build exit 1.
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const pkgDir = path.resolve(__dirname, '..');
const strict = process.env.VOS_ADDON_BUILD_STRICT === '1';

function skip(reason) {
  process.stderr.write(`@vos/fs-node: native accelerator not built (${reason}); the pure-JavaScript path will be used\n`);
  process.exit(strict ? 1 : 0);
}

/** npm's bundled node-gyp: npm names it for lifecycle scripts; otherwise look beside the npm that runs us. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  if (process.env.npm_execpath) {
    candidates.push(path.join(path.dirname(process.env.npm_execpath), '..', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  }
  candidates.push(path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  try {
    candidates.push(require.resolve('node-gyp/bin/node-gyp.js'));
  } catch {
    // not installed as a package: fine
  }
  return candidates.find((p) => p.endsWith('.js') && fs.existsSync(p));
}

/** Local Node headers (node_api.h): npm's `nodedir` setting, else the ones installed beside this node binary. */
function findNodeDir() {
  const candidates = [process.env.npm_config_nodedir, path.resolve(path.dirname(process.execPath), '..')];
  return candidates.find((d) => d && fs.existsSync(path.join(d, 'include', 'node', 'node_api.h')));
}

function main() {
  if (process.env.VOS_FS_NODE_NATIVE === '0') skip('VOS_FS_NODE_NATIVE=0');
  if (process.platform !== 'linux') skip(`${process.platform} is not Linux`);
  const nodeGyp = findNodeGyp();
  if (!nodeGyp) skip('node-gyp not found');
  const nodeDir = findNodeDir();
  if (!nodeDir) skip('no local Node headers (node_api.h); not downloading any');
  const started = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [nodeGyp, 'rebuild', `--nodedir=${nodeDir}`], {
    cwd: pkgDir,
    encoding: 'utf8',
    env: { ...process.env, npm_config_nodedir: nodeDir },
    timeout: 300_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.error || r.status !== 0) {
    const log = `${r.stdout || ''}${r.stderr || ''}`;
    const firstError = log.split('\n').find((l) => /error|not found|No such file/i.test(l) && !/^gyp info/.test(l));
    // A half-built tree must not be loaded later.
    fs.rmSync(path.join(pkgDir, 'build'), { recursive: true, force: true });
    skip(`node-gyp rebuild failed${firstError ? `: ${firstError.trim()}` : r.error ? `: ${r.error.message}` : ''}`);
  }
  process.stderr.write(`@vos/fs-node: native accelerator built in ${(ms / 1000).toFixed(1)} s (build/Release/vos_fs.node)\n`);
}

main();
