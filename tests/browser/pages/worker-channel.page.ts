/**
 * The worker + SharedArrayBuffer path in Chromium (a cross-origin isolated page): each golden runs in a Web
 * Worker (@vos/worker's guest runner, with the browser's clock and CSPRNG read in the worker), its `/sandbox` an
 * asynchronous filesystem served from this page's thread through @vos/worker's channel, every answer a promise.
 * The guest blocks on Atomics.wait in its worker while the page awaits the backend.
 */
import { ChannelServer, createChannelBuffer, type GuestReport, type GuestStart } from '@vos/worker';
import { MemoryFileSystem } from '@vos/fs-memory';
import { SystemClock } from '@vos/clock';
import { BufferSource, CollectorSink } from '@vos/stdio';
import { Filetype } from '@vos/core';
import { CASES, expectedStdout } from '../lib/goldens';
import { asyncMemoryFileSystem } from '../lib/async-memory';
import { compileUrl, PROGRAMS } from '../lib/run-program';
import { OpfsFileSystem } from '@vos/fs-browser';
import { describe, expect, runAndReport, test } from '../harness';

describe('the page', () => {
  test('is cross-origin isolated (SharedArrayBuffer, Atomics.wait in workers)', () => {
    expect(crossOriginIsolated).toBe(true);
  });
});

const worker = new Worker('/build/worker-channel-guest.js', { type: 'module' });
function runInWorker(start: GuestStart): Promise<GuestReport> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.report));
    worker.postMessage(start);
  });
}

describe('goldens in a Web Worker, /sandbox served from the page through the channel (answers are promises)', () => {
  for (const c of CASES) {
    test(c.golden, async () => {
      const o = c.options ?? {};
      const root = new MemoryFileSystem({ clock: new SystemClock() });
      const sandbox = asyncMemoryFileSystem('always');
      const stdout = new CollectorSink();
      const sab = createChannelBuffer();
      const server = new ChannelServer(sab, {
        filesystems: [root, sandbox.fs],
        streams: [new BufferSource(o.stdin ?? ''), stdout, new CollectorSink()],
      });
      server.start();
      const served = (id: number, readable: boolean) => ({ kind: 'served' as const, id, filetype: Filetype.UNKNOWN, readable, waitReadable: false });
      const before = sandbox.calls();
      try {
        const report = await runInWorker({
          sab,
          module: await compileUrl(`/tests/wasm/bin/${c.program}.wasm`),
          args: o.args ?? [c.program],
          env: Object.entries(o.env ?? {}).map(([k, v]) => `${k}=${v}`),
          preopens: [],
          namespace: {
            mounts: [
              { path: '/', fs: { id: 0, capabilities: { ...root.capabilities }, revalidate: false } },
              { path: '/sandbox', fs: { id: 1, capabilities: { ...sandbox.fs.capabilities }, revalidate: false } },
            ],
            preopens: ['/sandbox'],
          },
          stdio: [served(0, true), served(1, false), served(2, false)],
          clock: { kind: 'system' },
          random: { kind: 'system' },
        });
        expect(report.outcome.status === 'trapped' ? `${report.outcome.message}\n${report.outcome.stack}` : report.outcome.status).toBe('exited');
        expect(stdout.text()).toBe(await expectedStdout(c.golden));
        expect((report.outcome as { code: number }).code).toBe(c.exitCode);
        // Programs that use /sandbox reached the page's asynchronous backend.
        if (['fd_file', 'path_ops', 'symlinks', 'rename'].includes(c.program)) expect(sandbox.calls()).toBeGreaterThan(before);
      } finally {
        await server.close();
      }
    });
  }
});

describe('OPFS through the channel (OpfsFileSystem, asynchronous, nothing preloaded)', () => {
  test('a guest in a worker writes, lists, renames and reads files in OPFS served from the page', async () => {
    const opfs = await OpfsFileSystem.open('channel-test');
    const root = new MemoryFileSystem({ clock: new SystemClock() });
    const stdout = new CollectorSink();
    const sab = createChannelBuffer();
    const server = new ChannelServer(sab, { filesystems: [root, opfs], streams: [new BufferSource(''), stdout, new CollectorSink()] });
    server.start();
    const served = (id: number, readable: boolean) => ({ kind: 'served' as const, id, filetype: Filetype.UNKNOWN, readable, waitReadable: false });
    try {
      const report = await runInWorker({
        sab,
        module: await compileUrl(`${PROGRAMS}/fsutil.wasm`),
        args: ['fsutil', 'mkdir', '/data/d', 'write', '/data/d/a.txt', 'through the channel', 'append', '/data/d/a.txt', 'more',
          'mv', '/data/d/a.txt', '/data/d/b.txt', 'ls', '/data/d', 'cat', '/data/d/b.txt', 'rmdir', '/data/d', 'rm', '/data/d/b.txt', 'rmdir', '/data/d'],
        env: [],
        preopens: [],
        namespace: {
          mounts: [
            { path: '/', fs: { id: 0, capabilities: { ...root.capabilities }, revalidate: false } },
            { path: '/data', fs: { id: 1, capabilities: { ...opfs.capabilities }, revalidate: false } },
          ],
          preopens: ['/'],
        },
        stdio: [served(0, true), served(1, false), served(2, false)],
        clock: { kind: 'system' },
        random: { kind: 'system' },
      });
      expect(stdout.text()).toBe(
        'mkdir /data/d: ok\nwrite /data/d/a.txt: 20 bytes\nappend /data/d/a.txt: 5 bytes\nmv /data/d/a.txt /data/d/b.txt: ok\n' +
          'ls /data/d: b.txt\nthrough the channel\nmore\nrmdir /data/d: Directory not empty\nrm /data/d/b.txt: ok\nrmdir /data/d: ok\n',
      );
      expect((report.outcome as { code: number }).code).toBe(1); // the failed rmdir
    } finally {
      await server.close();
    }
  });
});

runAndReport().finally(() => worker.terminate());
