/**
 * The filesystem behaviour suite through the channel: this (jest) thread is the blocking client, as a guest's
 * worker is, and a worker thread serves the providers, synchronous and asynchronous. So the proxies, the
 * channel layout and the serving side's fast paths meet the same contract every backend meets.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { ChannelClient, ChannelFileSystem, ChannelStream, channelControl, createChannelBuffer, createPostBox } from '@vos/worker';
import { describeFileSystemBehaviour } from '@vos/fs-testkit';
import { newFileStat } from '@vos/core';

const sab = createChannelBuffer();
const box = createPostBox();
const server = new Worker(join(__dirname, 'fixtures', 'serve-filesystems.js'), { workerData: { sab, box } });
const client = new ChannelClient(sab, undefined, box);

function servedWithId(kind: string): { fs: ChannelFileSystem; id: number } {
  const { id, capabilities } = JSON.parse(channelControl(client, 'new', kind), (_k, v) =>
    typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
  return { fs: new ChannelFileSystem(client, id, capabilities, false), id };
}

function served(kind: string): ChannelFileSystem {
  return servedWithId(kind).fs;
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
  const { fs, id: fsId } = servedWithId('deferred memory');
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
    expectSameBytes(buf, content);
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

  /** Byte equality (jest's toEqual walks a large typed array element by element: seconds). */
  function expectSameBytes(a: Uint8Array, b: Uint8Array): void {
    expect(Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length))).toBe(true);
  }

  /** Writes `iovecs` (offset, length pairs) into `mem` at 0 as the wasm32 iovec array. */
  function iovecArray(mem: Uint8Array, iovecs: readonly number[]): number {
    const dv = new DataView(mem.buffer, mem.byteOffset, mem.byteLength);
    for (let i = 0; i < iovecs.length; i++) dv.setUint32(4 * i, iovecs[i], true);
    return iovecs.length / 2;
  }

  test('a vectored read is one round-trip; the end of the file answers the next read once, the one after reaches the host', () => {
    expect(fs.openPath(root, 'a/b/c.bin', WRITE, ref)).toBe(0);
    expect(fs.write(ref.value as object, content, 0, content.length, 0)).toBe(content.length);
    fs.close(ref.value as object);
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    const h = ref.value as object;
    const mem = new Uint8Array(1024 + content.length);
    const count = iovecArray(mem, [1024, 100, 2048, 0, 1124, 40_000, 41_124, 30_000]);
    const before = client.calls;
    expect(fs.readv!(h, mem, 0, count, 0)).toBe(content.length);
    expectSameBytes(mem.subarray(1024, 1024 + content.length), content);
    expect(client.calls - before).toBe(1);
    const one = new Uint8Array(1);
    expect(fs.read(h, one, 0, 1, content.length)).toBe(0);
    expect(client.calls - before).toBe(1);
    // Re-reading after a seek back is answered from what was read.
    const again = new Uint8Array(content.length);
    expect(fs.read(h, again, 0, again.length, 0)).toBe(content.length);
    expectSameBytes(again, content);
    expect(client.calls - before).toBe(1);
    expect(fs.read(h, one, 0, 1, content.length)).toBe(0);
    expect(client.calls - before).toBe(2);
    fs.close(h);
  });

  test('a file the host appends to behind the guest is seen by the guest polling its end', () => {
    const { fs: polled, id } = servedWithId('deferred memory');
    ok(polled.openRoot(ref));
    const proot = ref.value as object;
    ok(polled.openAt(proot, 'log', WRITE | CREATE, ref));
    polled.close(ref.value as object);
    ok(polled.openAt(proot, 'log', READ, ref));
    const h = ref.value as object;
    const buf = new Uint8Array(16);
    channelControl(client, 'append', `${id}:log:one`);
    expect(polled.read(h, buf, 0, 16, 0)).toBe(3);
    channelControl(client, 'append', `${id}:log:two`);
    let got = 0;
    for (let i = 0; i < 2 && got === 0; i++) got = polled.read(h, buf, 0, 16, 3);
    expect(got).toBe(3);
    expect(new TextDecoder().decode(buf.subarray(0, 3))).toBe('two');
    polled.close(h);
    polled.close(proot);
  });

  test('a read past what was read ahead is not short in the middle of a file', () => {
    expect(fs.openPath(root, 'a/b/c.bin', WRITE, ref)).toBe(0);
    const w = ref.value as object;
    const big = Uint8Array.from({ length: 600_000 }, (_, i) => (i * 7) & 0xff);
    expect(fs.write(w, big, 0, big.length, 0)).toBe(big.length);
    fs.close(w);
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    const h = ref.value as object;
    const buf = new Uint8Array(big.length);
    expect(fs.read(h, buf, 0, 60_000, 0)).toBe(60_000);
    // 60,000 + 10,000 runs past the 64 KiB fetched first: the rest comes from the host in the same read.
    expect(fs.read(h, buf, 60_000, 10_000, 60_000)).toBe(10_000);
    // Longer than the channel's payload (256 KiB): the whole rest in one read, as on the host thread.
    expect(fs.read(h, buf, 70_000, big.length - 70_000, 70_000)).toBe(big.length - 70_000);
    expectSameBytes(buf, big);
    fs.close(h);
  });

  test('a vectored write is one round-trip', () => {
    expect(fs.openPath(root, 'a/b/c.bin', WRITE, ref)).toBe(0);
    const w = ref.value as object;
    const mem = new Uint8Array(64);
    mem.set(new TextEncoder().encode('hello, vectored world'), 32);
    const count = iovecArray(mem, [32, 7, 40, 0, 39, 14]);
    const before = client.calls;
    expect(fs.writev!(w, mem, 0, count, 0)).toBe(21);
    expect(client.calls - before).toBe(1);
    fs.close(w);
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    const out = new Uint8Array(21);
    expect(fs.read(ref.value as object, out, 0, 21, 0)).toBe(21);
    expect(new TextDecoder().decode(out)).toBe('hello, vectored world');
    fs.close(ref.value as object);
  });

  test('a root the serving side opened before the run costs the client no round-trip', () => {
    const roots = JSON.parse(channelControl(client, 'openRoots', '')) as ({ id: number; filetype: number } | null)[];
    expect(roots[fsId]).toMatchObject({ filetype: 3 });
    const pre = new ChannelFileSystem(client, fsId, fs.capabilities, false, roots[fsId]);
    const before = client.calls;
    ok(pre.openRoot(ref));
    const r = ref.value as object;
    expect(client.calls - before).toBe(0);
    // It is the served root: a walk from it finds what the other handles made.
    expect(pre.openPath(r, 'a/b/c.bin', READ, ref)).toBe(0);
    pre.close(ref.value as object);
    // A second openRoot asks the serving side.
    ok(pre.openRoot(ref));
    expect(client.calls - before).toBe(2);
    pre.close(ref.value as object);
    pre.close(r);
  });

  test('an open that creates or truncates a plain path is one round-trip, and makes what was read ahead stale', () => {
    const { EXCL, TRUNC } = { EXCL: 8, TRUNC: 16 };
    expect(typeof fs.openPathCreating).toBe('function');
    ok(fs.mkdirAt(root, 'cr'));
    expect(fs.openPath(root, 'a/b/c.bin', WRITE, ref)).toBe(0);
    expect(fs.write(ref.value as object, content, 0, content.length, 0)).toBe(content.length);
    fs.close(ref.value as object);
    expect(fs.openPath(root, 'a/b/c.bin', READ, ref)).toBe(0);
    const r = ref.value as object;
    const one = new Uint8Array(1);
    let before = client.calls;
    expect(fs.openPathCreating!(root, 'cr/new.bin', WRITE | CREATE | EXCL, ref)).toBe(0);
    expect(client.calls - before).toBe(1);
    fs.close(ref.value as object);
    // EXCL again: refused (the client's walk then finds EEXIST), nothing replaced.
    expect(fs.openPathCreating!(root, 'cr/new.bin', WRITE | CREATE | EXCL, ref)).not.toBe(0);
    // A truncate without the right to write still changes the file: the read-ahead of it is dropped.
    expect(fs.read(r, one, 0, 1, 10)).toBe(1); // 64 KiB read ahead
    expect(fs.read(r, one, 0, 1, 11)).toBe(1); // from what was read ahead
    before = client.calls;
    expect(fs.openPathCreating!(root, 'a/b/c.bin', READ | TRUNC, ref)).toBe(0);
    fs.close(ref.value as object);
    expect(fs.read(r, one, 0, 1, 11)).toBe(0);
    expect(client.calls - before).toBe(2);
    fs.close(r);
  });

  test('a link as the last name or on the way: refused by the one-step create, nothing made or truncated', () => {
    const { TRUNC } = { TRUNC: 16 };
    ok(fs.mkdirAt(root, 'ln'));
    ok(fs.openAt(root, 'ln', READ | DIRECTORY, ref));
    const ln = ref.value as object;
    ok(fs.openAt(ln, 'kept.txt', WRITE | CREATE, ref));
    expect(fs.write(ref.value as object, Uint8Array.of(1, 2, 3), 0, 3, 0)).toBe(3);
    fs.close(ref.value as object);
    ok(fs.symlinkAt('kept.txt', ln, 'to-kept'));
    ok(fs.symlinkAt('made.txt', ln, 'dangling'));
    ok(fs.symlinkAt('.', ln, 'self'));
    expect(fs.openPathCreating!(root, 'ln/to-kept', WRITE | CREATE | TRUNC, ref)).not.toBe(0);
    expect(fs.openPathCreating!(root, 'ln/dangling', WRITE | CREATE, ref)).not.toBe(0);
    expect(fs.openPathCreating!(root, 'ln/self/via.txt', WRITE | CREATE, ref)).not.toBe(0);
    const st = newFileStat();
    ok(fs.statAt(ln, 'kept.txt', st));
    expect(st.size).toBe(3n);
    expect(fs.statAt(ln, 'made.txt', st)).toBe(44); // ENOENT
    expect(fs.statAt(ln, 'via.txt', st)).toBe(44);
    fs.close(ln);
  });

  test('a root needs no round-trip to be revalidated', () => {
    const withRevalidate = new ChannelFileSystem(client, fsId, fs.capabilities, true);
    ok(withRevalidate.openRoot(ref));
    const r = ref.value as object;
    const before = client.calls;
    expect(withRevalidate.revalidate!(r)).toBe(0);
    expect(client.calls - before).toBe(0);
    ok(withRevalidate.openAt(r, 'a', READ | DIRECTORY, ref));
    expect(withRevalidate.revalidate!(ref.value as object)).toBe(0);
    expect(client.calls - before).toBe(2);
    withRevalidate.close(ref.value as object);
    withRevalidate.close(r);
  });
});

describe('posted writes (a stream whose write cannot fail)', () => {
  test('small posted writes, a write larger than the post box (a call) and more posts arrive in order', () => {
    const stream = new ChannelStream(client, 0, 0, false, false, true);
    const enc = new TextEncoder();
    const before = client.calls;
    const postsBefore = client.posts;
    let expected = '';
    for (let i = 0; i < 100; i++) {
      const line = `line ${i}\n`;
      expect(stream.write(enc.encode(line), 0, line.length)).toBe(line.length);
      expected += line;
    }
    // Posts make no round-trip.
    expect(client.calls - before).toBe(0);
    const big = 'x'.repeat(100_000) + '\n';
    expect(stream.write(enc.encode(big), 0, big.length)).toBe(big.length);
    expected += big;
    expect(client.calls - before).toBe(1);
    for (let i = 0; i < 3; i++) {
      const line = `after ${i}\n`;
      expect(stream.write(enc.encode(line), 0, line.length)).toBe(line.length);
      expected += line;
    }
    expect(client.posts - postsBefore).toBe(103);
    // The control call is served after the box is taken: the collector holds everything, in order.
    expect(channelControl(client, 'collected', '')).toBe(expected);
  });
});

describe('a serving side whose handles are all in use', () => {
  const sab2 = createChannelBuffer();
  const server2 = new Worker(join(__dirname, 'fixtures', 'serve-filesystems.js'), { workerData: { sab: sab2, maxHandles: 2 } });
  const client2 = new ChannelClient(sab2);
  afterAll(async () => {
    await server2.terminate();
  });

  test('declines a one-step create before making anything (an exclusive create it could not hand over would be lost)', () => {
    const { READ, WRITE, CREATE, EXCL, DIRECTORY } = { READ: 1, WRITE: 2, CREATE: 4, EXCL: 8, DIRECTORY: 32 };
    const { id, capabilities } = JSON.parse(channelControl(client2, 'new', 'memory'), (_k, v) =>
      typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
    const fs = new ChannelFileSystem(client2, id, capabilities, false);
    const ref: { value: object | null } = { value: null };
    expect(fs.openRoot(ref)).toBe(0);
    const root = ref.value as object;
    expect(fs.mkdirAt(root, 'd')).toBe(0);
    expect(fs.openAt(root, 'd', READ | DIRECTORY, ref)).toBe(0);
    const d = ref.value as object;
    // Both handles in use: nothing is created, and the client's walk then gets EMFILE from its own openAt.
    expect(fs.openPathCreating!(root, 'd/x.txt', WRITE | CREATE | EXCL, ref)).not.toBe(0);
    const st = newFileStat();
    expect(fs.statAt(d, 'x.txt', st)).toBe(44); // ENOENT
    fs.close(d);
    expect(fs.openPathCreating!(root, 'd/x.txt', WRITE | CREATE | EXCL, ref)).toBe(0);
    fs.close(ref.value as object);
    fs.close(root);
  });
});
