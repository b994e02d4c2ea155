/**
 * An asynchronous filesystem for tests: a `MemoryFileSystem` whose every answer comes back as a promise that
 * settles on a later task (`mode: 'always'`), or on every other call (`mode: 'alternate'`, so that answers from a
 * cache and answers from storage mix within one syscall). It stands for any storage that must be awaited.
 */
import { MemoryFileSystem } from '@vos/fs-memory';
import { SystemClock } from '@vos/clock';
import type { AsyncFileSystem } from '@vos/jspi';

export function asyncMemoryFileSystem(mode: 'always' | 'alternate' = 'always'): { fs: AsyncFileSystem; calls: () => number } {
  const inner = new MemoryFileSystem({ clock: new SystemClock() });
  let calls = 0;
  // A task per answer (a MessageChannel message: unlike setTimeout, not clamped to 4 ms when nested).
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  const later = <T>(f: () => T): T | Promise<T> => {
    calls++;
    if (mode === 'alternate' && calls % 2 === 0) return f();
    return new Promise((resolve) => {
      queue.push(() => resolve(f()));
      channel.port2.postMessage(0);
    });
  };
  const fs = {
    capabilities: inner.capabilities,
    typeOf: (h: object) => inner.typeOf(h),
  } as Record<string, unknown>;
  for (const name of [
    'openRoot', 'statAt', 'openAt', 'readlinkAt', 'mkdirAt', 'symlinkAt', 'unlinkAt', 'rmdirAt', 'renameAt', 'linkAt',
    'setTimesAt', 'close', 'stat', 'read', 'write', 'truncate', 'setTimes', 'sync', 'allocate', 'readdir',
  ] as const) {
    const method = (inner[name] as (...a: unknown[]) => unknown).bind(inner);
    fs[name] = (...args: unknown[]) => later(() => method(...args));
  }
  return { fs: fs as unknown as AsyncFileSystem, calls: () => calls };
}
