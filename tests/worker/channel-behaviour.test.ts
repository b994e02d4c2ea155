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

describe('round-trips stay low', () => {
  const { READ, WRITE, CREATE, DIRECTORY } = { READ: 1, WRITE: 2, CREATE: 4, DIRECTORY: 32 };
  const fs = served('deferred memory');
  const ref: { value: object | null } = { value: null };
  const ok = (errno: number): void => expect(errno).toBe(0);
  ok(fs.openRoot(ref));
  const root = ref.value as object;
  ok(fs.mkdirAt(root, 'a'));
  ok(fs.openAt(root, 'a', READ | DIRECTORY, ref));
  const a = ref.value as object;
  ok(fs.mkdirAt(a, 'b'));
  ok(fs.openAt(a, 'b', READ | DIRECTORY, ref));
  const b = ref.value as object;
  ok(fs.openAt(b, 'c.bin', WRITE | CREATE, ref));
  const content = Uint8Array.from({ length: 60_000 }, (_, i) => i & 0xff);
  expect(fs.write(ref.value as object, content, 0, content.length, 0)).toBe(content.length);
  fs.close(ref.value as object);
  fs.close(b);
  fs.close(a);

  test('a whole-path open is one round-trip, and closing costs none', () => {
    const before = client.calls;
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    fs.close(ref.value as object);
    expect(client.calls - before).toBe(1);
  });

  test('a 60 KB file read in 4 KiB pieces is one round-trip', () => {
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    const h = ref.value as object;
    const before = client.calls;
    const buf = new Uint8Array(content.length);
    for (let at = 0; at < content.length; at += 4096) {
      expect(fs.read(h, buf, at, Math.min(4096, content.length - at), at)).toBe(Math.min(4096, content.length - at));
    }
    expect(client.calls - before).toBe(1);
    expect(buf).toEqual(content);
    fs.close(h);
  });

  test('a write makes the read-ahead stale: the next read sees the new bytes', () => {
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    const r = ref.value as object;
    const one = new Uint8Array(1);
    expect(fs.read(r, one, 0, 1, 10)).toBe(1);
    expect(fs.openPath(root, 'a/b/c.bin', WRITE, ref)).toBe(0);
    const w = ref.value as object;
    expect(fs.write(w, Uint8Array.of(0xee), 0, 1, 11)).toBe(1);
    expect(fs.read(r, one, 0, 1, 11)).toBe(1);
    expect(one[0]).toBe(0xee);
    fs.close(w);
    fs.close(r);
  });
});
