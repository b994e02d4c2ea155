import { realpathSync } from 'node:fs';
import {
  normalizeMountPath, resolveLimits,
  type AsyncClock, type AsyncFileSystem, type AsyncRandomSource, type AsyncStream, type Clockid, type CoreLimits,
} from '@vos/core';
import { SystemClock } from '@vos/clock';
import { CryptoRandom } from '@vos/random';
import { CollectorSink, HostFdStream, NullStream, isStream } from '@vos/stdio';
import { createNodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem } from '@vos/fs-memory';
import { createChannelBuffer } from './channel/layout';
import type { ServedWorld } from './channel/server';
import type { FsDescriptor, GuestStart, StreamDescriptor } from './protocol';

/** A filesystem for a mount or preopen: a provider (sync or async) or a host directory path. */
export type FileSystemSource = AsyncFileSystem | string;

/**
 * A stream for fd 0, 1 or 2: a provider (sync or async: a `CollectorSink`, a `CallbackSink`, an async source),
 * a host fd number, 'inherit' (the host's own fd 0/1/2) or 'null'. Host fds are used by the worker itself, so a
 * blocking read of a terminal blocks the guest, never the host thread.
 */
export type StreamSource = AsyncStream | number | 'inherit' | 'null';

/** The world a guest sees in a worker; every provider stays on the host thread as the object given here. */
export interface WorldOptions {
  /** argv, including argv[0]. */
  readonly args?: readonly string[];
  /** Environment, as an object or as `KEY=VALUE` strings. */
  readonly env?: Readonly<Record<string, string>> | readonly string[];
  /** Guest path -> filesystem, each handed to the guest as a preopened directory (as node:wasi's `preopens`). */
  readonly preopens?: Readonly<Record<string, FileSystemSource>>;
  /**
   * A mount namespace (as `@vos/wasi`'s `mounts`): guest path -> filesystem, nested mounts allowed; a fresh
   * in-memory `/` when none is mounted there. `/` (or `mountPreopens`) is preopened.
   */
  readonly mounts?: Readonly<Record<string, FileSystemSource>>;
  readonly mountPreopens?: readonly string[];
  /** Default 'null' for stdin, 'inherit' for stdout and stderr. */
  readonly stdin?: StreamSource;
  readonly stdout?: StreamSource;
  readonly stderr?: StreamSource;
  /** Default: the system clock, read inside the worker. Any other clock (a `FakeClock`) is served from here. */
  readonly clock?: AsyncClock;
  /** Default: the system CSPRNG inside the worker. Any other source (a `SeededRandom`) is served from here. */
  readonly random?: AsyncRandomSource;
  /** Cap on the guest's open fds (`limits.maxFds` says the same; this one wins). */
  readonly maxFds?: number;
  /** The guest's budgets, as `@vos/wasi`'s `limits` option (docs/security.md); enforced inside the worker. */
  readonly limits?: Partial<CoreLimits>;
}

/** A composed world: what the worker is told, and what the host serves. */
export interface ComposedWorld {
  readonly start: Omit<GuestStart, 'module' | 'sab' | 'maxMemory' | 'invoke' | 'spinMs'>;
  readonly served: ServedWorld;
}

const CLOCK_IDS: readonly Clockid[] = [0, 1, 2, 3] as Clockid[];

/** Builds the descriptors and the served tables for `o` (checks host paths and fds now: host errors name the option). */
export async function composeWorld(o: WorldOptions): Promise<ComposedWorld> {
  // Checked here, so a bad value is the host's error naming the key, not a failed start in the worker.
  if (o.limits !== undefined) resolveLimits(o.limits);
  const filesystems: AsyncFileSystem[] = [];
  const fsIds = new Map<AsyncFileSystem, number>();
  const describe = (source: FileSystemSource, option: string): FsDescriptor => {
    const fs = typeof source === 'string' ? hostDirectory(source, option) : source;
    if (fs === null || typeof fs !== 'object' || typeof fs.openRoot !== 'function') {
      throw new TypeError(`vos: ${option} must be a filesystem provider or a host directory path`);
    }
    let id = fsIds.get(fs);
    if (id === undefined) {
      id = filesystems.length;
      filesystems.push(fs);
      fsIds.set(fs, id);
    }
    return { id, capabilities: { ...fs.capabilities }, revalidate: typeof fs.revalidate === 'function' };
  };

  const streams: AsyncStream[] = [];
  const stream = (source: StreamSource | undefined, fallback: 'null' | 'inherit', fd: number, option: string): StreamDescriptor => {
    const s = source ?? fallback;
    if (s === 'inherit') return { kind: 'fd', fd };
    if (typeof s === 'number') {
      if (!Number.isInteger(s) || s < 0) throw new TypeError(`vos: ${option} must be a non-negative integer host fd`);
      return { kind: 'fd', fd: s };
    }
    if (s === 'null') return served(new NullStream());
    if (s instanceof HostFdStream) return { kind: 'fd', fd: s.fd };
    if (!isStream(s)) throw new TypeError(`vos: ${option} must be a stream provider, a host fd, 'inherit' or 'null'`);
    return served(s);
  };
  const served = (s: AsyncStream): StreamDescriptor => {
    streams.push(s);
    return {
      kind: 'served', id: streams.length - 1, filetype: s.filetype,
      readable: typeof s.readable === 'function', waitReadable: typeof s.waitReadable === 'function',
      posted: writeCannotFail(s),
    };
  };

  const preopens = Object.entries(o.preopens ?? {}).map(([guestPath, source]) => ({
    guestPath,
    fs: describe(source, `preopens[${JSON.stringify(guestPath)}]`),
  }));

  let clock: GuestStart['clock'] = { kind: 'system' };
  let servedClock: AsyncClock | undefined;
  if (o.clock !== undefined && !(o.clock instanceof SystemClock)) {
    servedClock = o.clock;
    const resolutions: bigint[] = [];
    for (const id of CLOCK_IDS) resolutions.push(await o.clock.resolution(id));
    clock = { kind: 'served', resolutions };
  }

  let namespace: GuestStart['namespace'];
  if (o.mounts !== undefined) {
    const mounts = Object.entries(o.mounts).map(([path, source]) => ({ path, fs: describe(source, `mounts[${JSON.stringify(path)}]`) }));
    if (!mounts.some((m) => normalizeMountPath(m.path) === '/')) {
      const clockForRoot = servedClock !== undefined ? (servedClock as never) : new SystemClock();
      mounts.unshift({ path: '/', fs: describe(new MemoryFileSystem({ clock: clockForRoot }), 'mounts["/"]') });
    }
    namespace = { mounts, preopens: o.mountPreopens };
  }

  let random: GuestStart['random'] = { kind: 'system' };
  let servedRandom: AsyncRandomSource | undefined;
  if (o.random !== undefined && !(o.random instanceof CryptoRandom)) {
    servedRandom = o.random;
    random = { kind: 'served' };
  }

  const env = o.env === undefined ? [] : Array.isArray(o.env)
    ? [...(o.env as readonly string[])]
    : Object.entries(o.env as Record<string, string>).map(([k, v]) => `${k}=${v}`);

  return {
    start: {
      args: [...(o.args ?? [])],
      env,
      preopens,
      namespace,
      stdio: [stream(o.stdin, 'null', 0, 'stdin'), stream(o.stdout, 'inherit', 1, 'stdout'), stream(o.stderr, 'inherit', 2, 'stderr')],
      clock,
      random,
      maxFds: o.maxFds,
      limits: o.limits === undefined ? undefined : { ...o.limits },
    },
    served: { filesystems, streams, clock: servedClock, random: servedRandom },
  };
}

/**
 * Whether every write to `s` succeeds in full, at once: the stream classes whose `write` is known (a collector
 * appends to memory, /dev/null swallows), not overridden on the object. Their writes need no answer, so the guest
 * posts them without waiting (the post box, channel/layout.ts). Any other stream (a callback, a file, an
 * asynchronous one) may fail or be short, and the guest must see that as the write's own result.
 */
export function writeCannotFail(s: AsyncStream): boolean {
  return (s instanceof CollectorSink && s.write === CollectorSink.prototype.write)
    || (s instanceof NullStream && s.write === NullStream.prototype.write);
}

function hostDirectory(path: string, option: string): AsyncFileSystem {
  let real: string;
  try {
    real = realpathSync(path);
  } catch (err) {
    throw new Error(`vos: ${option}: cannot open host directory ${JSON.stringify(path)}: ${(err as Error).message}`);
  }
  return createNodeFileSystem(real);
}

export { createChannelBuffer };
