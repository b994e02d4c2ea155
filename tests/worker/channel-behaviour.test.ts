/**
 * The filesystem behaviour suite through the channel: this (jest) thread is the blocking client, as a guest's
 * worker is, and a worker thread serves the providers, synchronous and asynchronous. So the proxies, the
 * channel layout and the serving side's fast paths meet the same contract every backend meets.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { ChannelClient, ChannelFileSystem, channelControl, createChannelBuffer } from '@vos/worker';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';

const sab = createChannelBuffer();
const server = new Worker(join(__dirname, 'fixtures', 'serve-filesystems.js'), { workerData: { sab } });
const client = new ChannelClient(sab);

function served(kind: string): ChannelFileSystem {
  const { id, capabilities } = JSON.parse(channelControl(client, 'new', kind), (_k, v) =>
    typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
  return new ChannelFileSystem(client, id, capabilities, false);
}

afterAll(async () => {
  await server.terminate();
});

describeFileSystemBehaviour('MemoryFileSystem through the channel', () => ({ fs: served('memory') }));
describeFileSystemBehaviour('an asynchronous filesystem (every answer a deferred promise) through the channel', () => ({
  fs: served('deferred memory'),
}));
