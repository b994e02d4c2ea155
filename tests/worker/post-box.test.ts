/**
 * The post box (channel/layout.ts) when the serving side missed the notify of the bytes already in it: a second
 * post for another stream must wake it again, not wait for ever (a served-stdio guest that flushed stdout and
 * then wrote to stderr hung this way once under load).
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { once } from 'node:events';
import { ChannelClient, createChannelBuffer, createPostBox } from '@vos/worker';

test('a post waiting for a full box wakes a serving side that missed the first notify', async () => {
  const sab = createChannelBuffer();
  const box = createPostBox();
  // The server's wait gives up after 10 s: without the second wake the test fails (slowly) instead of hanging.
  const server = new Worker(join(__dirname, 'fixtures', 'late-box-server.js'), { workerData: { sab, box, waitMs: 10_000 } });
  try {
    const [ready] = await once(server, 'message');
    expect(ready).toBe('ready');
    const client = new ChannelClient(sab, 0, box);
    const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
    expect(client.post(1, bytes('to stdout\n'), 0, 10)).toBe(true);
    // The box holds stdout's bytes and nobody has taken them: this post waits until the server takes them.
    expect(client.post(2, bytes('to stderr\n'), 0, 10)).toBe(true);
    const [report] = await once(server, 'message');
    expect(report).toEqual({ wake: 'ok', taken: [{ stream: 1, text: 'to stdout\n' }, { stream: 2, text: 'to stderr\n' }] });
  } finally {
    await server.terminate();
  }
});
