'use strict';
// The per-sample temp directory: <root>/sandbox is preopened for the guest, <root>/stdout.txt (when a workload
// redirects stdout to a file) sits outside the sandbox. Every sample, for either host, gets a fresh root.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Where sample directories are made: BENCH_TMPDIR, else /dev/shm when it is a writable directory, else the OS
 * temp dir. tmpfs is the default because on a disk-backed filesystem the metadata-heavy workloads (file_churn,
 * readdir_big) swing by 5x between samples with journal writeback, which hides the host's own cost; both hosts
 * always use the same filesystem, so the ratio stays fair either way.
 */
function tmpRoot() {
  if (process.env.BENCH_TMPDIR) return process.env.BENCH_TMPDIR;
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    if (fs.statSync('/dev/shm').isDirectory()) return '/dev/shm';
  } catch {
    // no usable /dev/shm: fall through to the OS temp dir
  }
  return os.tmpdir();
}

/**
 * run.js makes one directory per run and passes it in BENCH_RUN_DIR; samples put their sandboxes inside it, so
 * the parent can remove what a crashed sample process left behind.
 */
function createSandbox(label) {
  const parent = process.env.BENCH_RUN_DIR || tmpRoot();
  const root = fs.mkdtempSync(path.join(parent, `${label}-`));
  const sandboxDir = path.join(root, 'sandbox');
  fs.mkdirSync(sandboxDir);
  return { root, sandboxDir, stdoutFile: path.join(root, 'stdout.txt') };
}

function removeSandbox(sandbox) {
  fs.rmSync(sandbox.root, { recursive: true, force: true });
}

function createRunDir() {
  return fs.mkdtempSync(path.join(tmpRoot(), 'vos-bench-'));
}

function removeRunDir(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

module.exports = { tmpRoot, createSandbox, removeSandbox, createRunDir, removeRunDir };
