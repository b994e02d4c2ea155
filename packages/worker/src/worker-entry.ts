// The entry of a dedicated guest worker (runInWorker): one start message, one report, then the host ends it.
import { parentPort } from 'node:worker_threads';
import { runGuest } from './guest';
import { nodePlatform } from './platform/node';
import type { GuestStart } from './protocol';

const port = parentPort;
if (port === null) throw new Error('vos: worker-entry runs in a worker thread');
port.once('message', (start: GuestStart) => {
  port.postMessage(runGuest(start, nodePlatform));
});
