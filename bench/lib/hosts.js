'use strict';
// The two WASI hosts under comparison. Both are driven through the node:wasi API, which @vos/wasi copies.

/** Guest path at which both hosts preopen the sandbox directory. */
const GUEST_DIR = '/sandbox';
const VOS_MODULE = process.env.BENCH_VOS_MODULE || '@vos/wasi';

/**
 * Returns { ok: true, WASI } or { ok: false, reason }. vos is loaded from its built dist through the workspace
 * link, exactly as a user would load it, so `npm run build` must have run; a missing or broken build is reported,
 * not thrown, so the harness still measures node:wasi. BENCH_VOS_MODULE (a module id or absolute path) replaces
 * '@vos/wasi', to measure another build or to check the harness with a stand-in.
 */
function loadHost(name) {
  try {
    if (name === 'node') return { ok: true, WASI: require('node:wasi').WASI };
    // 'vosjs' is vos with @vos/fs-node's pure-JavaScript path forced (run.js sets VOS_FS_NODE_NATIVE=0 for it).
    if (name === 'vos' || name === 'vosjs' || name === 'base') {
      const mod = require(VOS_MODULE);
      const WASI = mod && (mod.WASI || (mod.default && mod.default.WASI));
      if (typeof WASI !== 'function') return { ok: false, reason: `${VOS_MODULE} does not export a WASI class` };
      return { ok: true, WASI };
    }
    return { ok: false, reason: `unknown host ${name}` };
  } catch (err) {
    const firstLine = String((err && err.message) || err).split('\n')[0];
    return { ok: false, reason: `require('${VOS_MODULE}') failed: ${firstLine}` };
  }
}

/**
 * BENCH_VOS_FS=memory serves vos's sandbox from @vos/fs-memory instead of the host directory: the host-side
 * setup is copied into a fresh MemoryFileSystem when each WASI is constructed (not timed), and mounted at the
 * same guest path. node:wasi always uses the host directory, so the ratio compares memory against the disk.
 */
const VOS_FS = process.env.BENCH_VOS_FS || 'host';
if (VOS_FS !== 'host' && VOS_FS !== 'memory') throw new Error(`BENCH_VOS_FS must be host or memory, not ${VOS_FS}`);

function sandboxOptions(hostName, sandboxDir) {
  if (hostName === 'node' || VOS_FS === 'host') return { preopens: { [GUEST_DIR]: sandboxDir } };
  const { MemoryFileSystem } = require('@vos/fs-memory');
  return {
    mounts: { [GUEST_DIR]: ({ clock }) => MemoryFileSystem.fromHostDirectory(sandboxDir, { clock }) },
    mountPreopens: [GUEST_DIR],
  };
}

/** The same options for both hosts: the options object node:wasi documents (vos may serve the sandbox from memory). */
function wasiOptions({ hostName, args, sandboxDir, stdin, stdout, stderr }) {
  return {
    version: 'preview1',
    args,
    env: {},
    ...sandboxOptions(hostName, sandboxDir),
    stdin,
    stdout,
    stderr,
    returnOnExit: true,
  };
}

/** node:wasi offers getImportObject(); fall back to wasiImport for a host that only has that. */
function importObject(wasi) {
  if (typeof wasi.getImportObject === 'function') return wasi.getImportObject();
  return { wasi_snapshot_preview1: wasi.wasiImport };
}

module.exports = { GUEST_DIR, VOS_FS, loadHost, wasiOptions, importObject };
