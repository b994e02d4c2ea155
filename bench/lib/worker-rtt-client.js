'use strict';
// The blocking side of bench/worker.js's round-trip measure: a worker thread making channel calls as a guest's
// proxies make them (a bare ping, a 16-byte stream write, a 3-component openPath plus its deferred close).
// With `computeMs`, it then makes a burst of calls and computes that long with no call (as a guest between
// syscalls), telling the main thread when the computing starts and ends, so the serving thread's CPU can be
// measured while the guest computes right after a burst (the server may poll once, then must sleep).
const { workerData, parentPort } = require('node:worker_threads');
const { ChannelClient, ChannelFileSystem, ChannelStream, Op } = require('@vos/worker');

const { sab, calls, clientSpinMs, computeMs } = workerData;
const client = new ChannelClient(sab, clientSpinMs);

function time(fn) {
  for (let i = 0; i < 1000; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e3 / calls;
}

if (computeMs) {
  const burst = () => {
    for (let i = 0; i < 1000; i++) client.call(Op.PING);
  };
  burst();
  parentPort.postMessage('computing');
  const until = performance.now() + computeMs;
  let x = 0;
  while (performance.now() < until) x++;
  parentPort.postMessage({ computed: x > 0 });
} else {
  const fs = new ChannelFileSystem(client, 0, { readOnly: false, symlinks: true, hardLinks: true, timestampResolutionNs: 1n }, false);
  const stream = new ChannelStream(client, 0, 0, false, false);
  const ref = { value: null };
  if (fs.openRoot(ref) !== 0) throw new Error('openRoot failed');
  const root = ref.value;
  const bytes = new Uint8Array(16);
  const pingUs = time(() => client.call(Op.PING));
  const writeUs = time(() => {
    if (stream.write(bytes, 0, 16) !== 16) throw new Error('write failed');
  });
  const openUs = time(() => {
    if (fs.openPath(root, 'a/b/c.txt', 1, ref) !== 0) throw new Error('openPath failed');
    fs.close(ref.value);
  });
  parentPort.postMessage({ pingUs, writeUs, openUs });
}
