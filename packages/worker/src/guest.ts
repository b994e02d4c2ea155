import { ProcExit, WasiCore, type Clock, type FileSystem, type RandomSource, type Stream } from '@vos/core';
import { ChannelClient } from './channel/client';
import { ChannelClock, ChannelFileSystem, ChannelRandom, ChannelStream } from './channel/proxies';
import { MEMORY_CAP_GLOBAL } from './limits';
import type { FsDescriptor, GuestReport, GuestStart, RunOutcome, StreamDescriptor } from './protocol';

/**
 * The worker side of a run, free of `node:*`: what differs between Node workers and browser Web Workers comes
 * in through this seam, chosen once by the entry file.
 */
export interface WorkerPlatform {
  /** The system clock, read inside the worker (no round-trip). */
  systemClock(): Clock;
  /** The system CSPRNG, inside the worker. */
  systemRandom(): RandomSource;
  /** A stream over a host fd, where the platform has host fds (Node). */
  hostFdStream?(fd: number): Stream;
}

interface WasmApi {
  Module: { imports(m: object): { module: string; name: string; kind: string }[] };
  Instance: new (m: object, imports: object) => { exports: Record<string, unknown> };
  Memory: { prototype: object };
}
const Wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

/** Most wasm frames kept in a trap report. */
const MAX_FRAMES = 50;

/**
 * Runs one guest to its end in this (worker) thread: builds the core over proxies of the host's providers,
 * instantiates the module and calls `_start` (or the export to invoke). Everything the guest does that needs
 * a host object is a blocking call on the channel; the system clock and random are answered here.
 */
export function runGuest(start: GuestStart, platform: WorkerPlatform): GuestReport {
  const client = new ChannelClient(start.sab, start.spinMs, start.box);
  const fsCache = new Map<number, FileSystem>();
  const fsOf = (d: FsDescriptor): FileSystem => {
    let fs = fsCache.get(d.id);
    if (fs === undefined) {
      fs = new ChannelFileSystem(client, d.id, d.capabilities, d.revalidate, start.roots?.[d.id]);
      fsCache.set(d.id, fs);
    }
    return fs;
  };
  const stream = (d: StreamDescriptor): Stream => {
    if (d.kind === 'fd') {
      if (platform.hostFdStream === undefined) throw new Error('vos: this platform has no host fds');
      return platform.hostFdStream(d.fd);
    }
    return new ChannelStream(client, d.id, d.filetype, d.readable, d.waitReadable, d.posted === true);
  };
  let outcome: RunOutcome;
  let core: WasiCore | null = null;
  let instance: { exports: Record<string, unknown> } | null = null;
  const savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = MAX_FRAMES;
  try {
    core = new WasiCore({
      args: start.args,
      env: start.env,
      preopens: start.preopens.map((p) => ({ guestPath: p.guestPath, fs: fsOf(p.fs) })),
      namespace: start.namespace === undefined ? undefined : {
        mounts: start.namespace.mounts.map((m) => ({ path: m.path, fs: fsOf(m.fs) })),
        preopens: start.namespace.preopens,
      },
      clock: start.clock.kind === 'system' ? platform.systemClock() : new ChannelClock(client, start.clock.resolutions),
      random: start.random.kind === 'system' ? platform.systemRandom() : new ChannelRandom(client),
      stdio: { stdin: stream(start.stdio[0]), stdout: stream(start.stdio[1]), stderr: stream(start.stdio[2]) },
      maxFds: start.maxFds,
      limits: start.limits,
    });
    const imports: Record<string, object> = {};
    for (const imp of Wasm.Module.imports(start.module)) {
      if (imp.module === 'wasi_snapshot_preview1') imports[imp.module] = core.preview1;
      else if (imp.module === 'wasi_unstable') imports[imp.module] = core.unstable;
    }
    instance = new Wasm.Instance(start.module, imports);
    outcome = runInstance(core, instance, start);
  } catch (err) {
    outcome = trapOutcome(err, instance, start.maxMemory);
  } finally {
    Error.stackTraceLimit = savedLimit;
  }
  // The guest is done: give back every handle and stream it held (in the report, or riding on one last call).
  let closes: number[] | undefined;
  try {
    core?.dispose();
    if (start.closesInReport === true) closes = client.takeCloses();
    else client.flush();
  } catch {
    // The host closes whatever is left when the run ends.
  }
  return closes === undefined ? { outcome, calls: client.calls } : { outcome, calls: client.calls, closes };
}

function runInstance(core: WasiCore, instance: { exports: Record<string, unknown> }, start: GuestStart): RunOutcome {
  const exports = instance.exports;
  const memory = exports.memory;
  if (memory === undefined || typeof memory !== 'object') {
    return { status: 'trapped', message: 'the module exports no memory, which WASI needs', stack: '' };
  }
  core.bindMemory(memory as never);
  try {
    if (start.invoke !== undefined) {
      if (typeof exports._initialize === 'function' && typeof exports._start !== 'function') (exports._initialize as () => void)();
      const fn = exports[start.invoke.name];
      if (typeof fn !== 'function') return { status: 'trapped', message: `export '${start.invoke.name}' is not a function`, stack: '' };
      const result = (fn as (...a: number[]) => unknown)(...start.invoke.args);
      return { status: 'exited', code: 0, result: result === undefined ? undefined : String(result) };
    }
    const entry = exports._start;
    if (typeof entry !== 'function') return { status: 'trapped', message: 'the module exports no _start function', stack: '' };
    (entry as () => void)();
    return { status: 'exited', code: 0 };
  } catch (err) {
    if (err instanceof ProcExit) return { status: 'exited', code: err.code | 0 };
    throw err;
  }
}

/** A trap, or the memory cap (the rewritten module sets its flag before trapping on a grow past the cap). */
function trapOutcome(err: unknown, instance: { exports: Record<string, unknown> } | null, maxMemory: number | undefined): RunOutcome {
  const flag = instance?.exports[MEMORY_CAP_GLOBAL] as { value: number } | undefined;
  if (maxMemory !== undefined && flag !== undefined && flag.value !== 0) {
    return { status: 'stopped', limit: 'memory', message: `memory limit: the guest tried to grow its linear memory past ${maxMemory} bytes` };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  if (maxMemory !== undefined && e instanceof RangeError && /memory/i.test(e.message)) {
    return { status: 'stopped', limit: 'memory', message: `memory limit: ${e.message}` };
  }
  return { status: 'trapped', message: e.message, stack: e.stack ?? '' };
}
