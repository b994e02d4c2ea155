/**
 * The filesystem behaviour suite on `OpfsFileSystem` (OPFS, asynchronous, nothing preloaded): the suite runs in a
 * Web Worker on @vos/worker's synchronous channel proxy, and this page serves OPFS through the channel. Each test
 * gets a fresh OPFS directory (the worker asks for one with a channel control call before the test).
 */
import { ChannelServer, createChannelBuffer } from '@vos/worker';
import { OpfsFileSystem } from '@vos/fs-browser';
import type { AsyncFileSystem } from '@vos/core';
import { reportFatal } from '../harness';

let current: OpfsFileSystem | null = null;
let n = 0;
const root = await navigator.storage.getDirectory();
await root.removeEntry('testkit-opfs', { recursive: true }).catch(() => undefined);

/** Delegates to the OPFS directory of the current test. */
const swappable = new Proxy({} as AsyncFileSystem, {
  get(_t, key) {
    if (key === 'capabilities') return { readOnly: false, symlinks: false, hardLinks: false, timestampResolutionNs: 1_000_000n };
    const fs = current as unknown as Record<string | symbol, unknown>;
    const v = fs[key];
    return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(fs) : v;
  },
});

const sab = createChannelBuffer();
const server = new ChannelServer(sab, {
  filesystems: [swappable],
  streams: [],
  control: async (name) => {
    if (name !== 'fresh') return 'unknown';
    current = await OpfsFileSystem.open(`testkit-opfs/t${++n}`);
    return 'ok';
  },
});
server.start();
current = await OpfsFileSystem.open('testkit-opfs/probe');

const worker = new Worker('/build/opfs-testkit-worker.js', { type: 'module' });
worker.onmessage = (e) => {
  (globalThis as unknown as { __vosResults: unknown }).__vosResults = e.data.results;
  void server.close();
  worker.terminate();
};
worker.onerror = (e) => reportFatal(new Error(e.message));
worker.postMessage({ sab });
