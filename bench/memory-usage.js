'use strict';
// Memory used by @vos/fs-memory per stored byte and per file: `node --expose-gc bench/memory-usage.js`
// (`npm run bench:memory`). Writes through the FileSystem contract, as a guest would, and measures the
// process's heap plus ArrayBuffer memory before and after, with garbage collected.
const { MemoryFileSystem } = require('@vos/fs-memory');
const { OpenFlags } = require('@vos/core');
const { SystemClock } = require('@vos/clock');

if (typeof global.gc !== 'function') throw new Error('run with node --expose-gc');

function used() {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function fill(fs, files, size) {
  const ref = { value: null };
  fs.openRoot(ref);
  const root = ref.value;
  const data = new Uint8Array(size).fill(97);
  const chunk = 64 * 1024;
  for (let i = 0; i < files; i++) {
    fs.openAt(root, `file${i}`, OpenFlags.READ | OpenFlags.WRITE | OpenFlags.CREATE, ref);
    for (let at = 0; at < size; at += chunk) fs.write(ref.value, data, at, Math.min(chunk, size - at), at);
    fs.close(ref.value);
  }
  return root;
}

function measure(label, files, size) {
  const before = used();
  const fs = new MemoryFileSystem({ clock: new SystemClock() });
  fill(fs, files, size);
  const after = used();
  const total = after - before;
  const stored = files * size;
  const usage = fs.usage();
  console.log(
    `${label.padEnd(28)} ${String(files).padStart(6)} files x ${String(size).padStart(9)} B: ` +
      `${(total / 1024 / 1024).toFixed(1).padStart(7)} MiB in all, ` +
      (stored > 0 ? `${(total / stored).toFixed(2)} B per stored byte, ` : '') +
      `${Math.round((total - usage.allocatedBytes) / files)} B per file besides data` +
      (stored > 0 ? ` (data buffers ${(usage.allocatedBytes / stored).toFixed(2)} x stored)` : ''),
  );
  return fs; // keep it alive until measured
}

measure('many small files', 10000, 100);
measure('many empty files', 10000, 0);
measure('a few 1 MiB files', 64, 1024 * 1024);
measure('one 64 MiB file', 1, 64 * 1024 * 1024);
