/**
 * The HTTP filesystem against a local static server: through the channel it passes the same behaviour suite as
 * every backend (seeded trees written to disk with their manifest), it fetches lazily (a listing or a stat fetches
 * nothing, a small file is one request, a large one range requests of the pieces read, a second read is a cache
 * hit), and a real program walks and checksums a tree mounted from it, in a worker, through `runInWorker`.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { Errno, newFileStat, OpenFlags, type FsHandle, type Ref } from '@vos/core';
import { describeFileSystemBehaviour, type SeedTree } from '@vos/fs-testkit';
import { HttpFileSystem, writeManifest } from '@vos/fs-http';
import { CollectorSink } from '@vos/stdio';
import { ChannelClient, ChannelFileSystem, channelControl, createChannelBuffer, runInWorker } from '@vos/worker';
import { wasmPath } from '../helpers/run-wasi';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStaticServer } = require('./fixtures/static-server.js');

const httpRoot = mkdtempSync(join(tmpdir(), 'vos-http-test-'));
const sab = createChannelBuffer();
const server = new Worker(join(__dirname, 'fixtures', 'serve-filesystems.js'), { workerData: { sab, httpRoot } });
const client = new ChannelClient(sab);
let trees = 0;

afterAll(async () => {
  await server.terminate();
  rmSync(httpRoot, { recursive: true, force: true });
});

function materialize(tree: SeedTree, dir: string): void {
  for (const [name, value] of Object.entries(tree)) {
    const path = join(dir, name);
    if (typeof value === 'string' || value instanceof Uint8Array) writeFileSync(path, value);
    else if ('symlink' in value && typeof value.symlink === 'string') symlinkSync(value.symlink, path);
    else {
      mkdirSync(path);
      materialize(value as SeedTree, path);
    }
  }
}

/** Writes `tree` and its manifest under the served root; returns the directory name. */
function publish(tree: SeedTree): string {
  const name = `t${trees++}`;
  const dir = join(httpRoot, name);
  mkdirSync(dir);
  materialize(tree, dir);
  writeFileSync(join(dir, 'index.json'), JSON.stringify(writeManifest(dir)));
  return name;
}

function served(dir: string): { fs: ChannelFileSystem; id: number } {
  const { id, capabilities } = JSON.parse(channelControl(client, 'new', `http:${dir}`), (_k, v) =>
    typeof v === 'string' && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v);
  return { fs: new ChannelFileSystem(client, id, capabilities, false), id };
}

describeFileSystemBehaviour('HttpFileSystem (a local static server) through the channel', () => ({ fs: served(publish({})).fs }), {
  seed: (tree) => ({ fs: served(publish(tree)).fs }),
});

describe('HttpFileSystem fetches lazily', () => {
  const big = Uint8Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7) & 0xff);
  const dir = publish({ 'small.txt': 'small file', big, sub: { 'a.txt': 'a' } });
  const { fs, id } = served(dir);
  const stats = (): { requests: number; rangeRequests: number; bytesFetched: number; cacheHits: number } =>
    JSON.parse(channelControl(client, 'stats', String(id)));
  const ref: Ref<FsHandle | null> = { value: null };

  test('the manifest only, until a file is read', () => {
    expect(fs.openRoot(ref)).toBe(Errno.SUCCESS);
    const root = ref.value as FsHandle;
    const list: { name: string }[] = [];
    expect(fs.readdir(root, list as never)).toBe(Errno.SUCCESS);
    expect(list.map((e) => e.name).sort()).toEqual(['big', 'small.txt', 'sub']);
    const st = newFileStat();
    expect(fs.statAt(root, 'big', st)).toBe(Errno.SUCCESS);
    expect(st.size).toBe(BigInt(big.length));
    expect(stats().requests).toBe(1);
  });

  test('a small file is one request, a second read of it none', () => {
    const before = stats().requests;
    fs.openRoot(ref);
    const root = ref.value as FsHandle;
    expect(fs.openAt(root, 'small.txt', OpenFlags.READ, ref)).toBe(Errno.SUCCESS);
    const h = ref.value as FsHandle;
    const buf = new Uint8Array(64);
    expect(fs.read(h, buf, 0, 64, 0)).toBe(10);
    expect(new TextDecoder().decode(buf.subarray(0, 10))).toBe('small file');
    fs.close(h);
    expect(fs.openAt(root, 'small.txt', OpenFlags.READ, ref)).toBe(Errno.SUCCESS);
    expect(fs.read(ref.value as FsHandle, buf, 0, 64, 0)).toBe(10);
    expect(stats().requests).toBe(before + 1);
    expect(stats().cacheHits).toBeGreaterThanOrEqual(1);
  });

  test('a large file: only the pieces read, by range requests', () => {
    const before = stats();
    fs.openRoot(ref);
    expect(fs.openAt(ref.value as FsHandle, 'big', OpenFlags.READ, ref)).toBe(Errno.SUCCESS);
    const h = ref.value as FsHandle;
    const buf = new Uint8Array(100);
    const at = 2 * 1024 * 1024 + 5;
    expect(fs.read(h, buf, 0, 100, at)).toBe(100);
    expect([...buf]).toEqual([...big.subarray(at, at + 100)]);
    const after = stats();
    expect(after.rangeRequests - before.rangeRequests).toBe(1);
    expect(after.bytesFetched - before.bytesFetched).toBeLessThanOrEqual(256 * 1024);
  });
});

/** FNV-1a, as tree_sum.c prints it. */
function fnv(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
  let h = 2166136261;
  for (const b of bytes) h = Math.imul(h ^ b, 16777619) >>> 0;
  return h.toString(16).padStart(8, '0');
}

test('a program in a worker walks and checksums a tree mounted over HTTP (served from this thread)', async () => {
  const data = Uint8Array.from({ length: 300_000 }, (_, i) => i % 251);
  const dir = publish({
    'readme.txt': 'hello over http\n',
    lib: { 'data.bin': data, nested: { 'deep.txt': 'deep' } },
    latest: { symlink: 'lib' },
  });
  const http = await startStaticServer(httpRoot);
  try {
    const remote = new HttpFileSystem(`${http.url}/${dir}`);
    const stdout = new CollectorSink();
    const result = await runInWorker(readFileSync(wasmPath('tree_sum')), {
      args: ['tree_sum', '/srv'], mounts: { '/srv': remote }, stdout, timeout: 60_000,
    });
    expect(result).toMatchObject({ status: 'exited', code: 0 });
    expect(stdout.text()).toBe([
      '/srv/latest -> lib',
      '/srv/lib/',
      `/srv/lib/data.bin 300000 bytes, read 300000, fnv ${fnv(data)}`,
      '/srv/lib/nested/',
      `/srv/lib/nested/deep.txt 4 bytes, read 4, fnv ${fnv('deep')}`,
      `/srv/readme.txt 16 bytes, read 16, fnv ${fnv('hello over http\n')}`,
      '',
    ].join('\n'));
    // The manifest and the two files read: nothing else was fetched.
    expect(http.log.map((r: { path: string }) => r.path).sort()).toEqual([`/${dir}/index.json`, `/${dir}/lib/data.bin`, `/${dir}/lib/nested/deep.txt`, `/${dir}/readme.txt`]);
  } finally {
    await http.close();
  }
});
