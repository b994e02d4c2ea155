import type { AsyncFileSystem, Clock, FileSystem } from '@vos/core';
import { FakeClock, SystemClock } from '@vos/clock';
import { SeededRandom } from '@vos/random';
import { createStdio } from '@vos/stdio';
import { HttpFileSystem } from '@vos/fs-http';
import { runInWorker, type RunResult } from '@vos/worker';
import type { RunOptions } from './args';
import { composeWorld, stdinOf } from './compose';
import { formatDiff } from './diff';
import { writeText, type CliIo } from './io';
import { ModuleError } from './module';
import { checkExitCode, loadModule, formatTrap, SIGINT_EXIT, SIGTERM_EXIT, TRAP_EXIT } from './run';

/** Exit status when `--timeout` stopped the guest: 128 + SIGALRM, as `timeout -s ALRM` (and out of the guest's 0..125). */
export const TIMEOUT_EXIT = 142;
/** Exit status when `--max-memory` stopped the guest: 128 + SIGKILL, as an out-of-memory kill shows to a shell. */
export const MEMORY_EXIT = 137;

/**
 * `vos run` with a limit or an HTTP mount: the guest runs in a worker thread (`@vos/worker`), the world stays
 * on this thread, and this thread keeps the deadline and serves the guest's calls. Returns the exit status;
 * a stop by a limit prints one line (`vos: stopped: timeout: ...`) and exits 142 (timeout) or 137 (memory).
 */
export async function runCommandInWorker(o: RunOptions, io: CliIo): Promise<number> {
  const { bytes } = loadModule(o, io);
  const world = composeWorld(o, io);

  // The clock and random source the in-process run gets through its container modules.
  const fake = o.fakeClock ?? (o.deterministic ? true : undefined);
  const clock: Clock = fake === undefined ? new SystemClock() : new FakeClock(fake === true ? {} : { start: fake });
  const seed = o.seed ?? (o.deterministic ? 0n : undefined);
  const mounts: Record<string, AsyncFileSystem | string> = {};
  for (const [path, source] of Object.entries(world.mounts)) {
    mounts[path] = typeof source === 'function' ? (source as (c: { clock: Clock }) => FileSystem)({ clock }) : (source as FileSystem | string);
  }
  for (const h of o.httpDirs) {
    // The manifest now, before the guest starts: a tree that cannot be reached (a refused connection, an untrusted
    // certificate, a 404, a bad manifest) is a setup failure with the server's reason, not an EIO inside the guest.
    const fs = new HttpFileSystem(h.url);
    try {
      await fs.load();
    } catch (err) {
      throw new ModuleError(`option '${h.written}': cannot load the tree's manifest: ${fetchErrorText(err)}`);
    }
    mounts[h.guest] = fs;
  }

  const stdio = createStdio({ stdin: stdinOf(o, io), stdout: io.stdout, stderr: io.stderr });

  // Ctrl-C and SIGTERM stop the guest (this thread is free to hear them) and still print --diff.
  const ac = new AbortController();
  let signal: 'SIGINT' | 'SIGTERM' | undefined;
  const onSignal = (name: 'SIGINT' | 'SIGTERM') => (): void => {
    signal ??= name;
    ac.abort();
  };
  const onInt = onSignal('SIGINT');
  const onTerm = onSignal('SIGTERM');
  if (io.signals === true) {
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  }
  let result: RunResult;
  try {
    result = await runInWorker(bytes, {
      args: world.args,
      env: world.env,
      mounts,
      mountPreopens: world.preopens,
      stdin: stdio.stdin,
      stdout: stdio.stdout,
      stderr: stdio.stderr,
      clock,
      random: seed === undefined ? undefined : new SeededRandom(seed),
      timeout: o.timeoutMs,
      maxMemory: o.maxMemory,
      limits: world.limits,
      signal: ac.signal,
      invoke: o.invoke === undefined ? undefined : { name: o.invoke, args: o.guestArgs.map(Number) },
    });
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
  const code = report(result, io, signal);
  if (o.diff) writeText(io.stderr, formatDiff(world.overlays));
  for (const { fs } of world.overlays) fs?.dispose(); // the overlays' layer roots (host fds)
  return code;
}

function report(r: RunResult, io: CliIo, signal: 'SIGINT' | 'SIGTERM' | undefined): number {
  switch (r.status) {
    case 'exited':
      if (r.result !== undefined) writeText(io.stdout, `${r.result}\n`);
      return checkExitCode(r.code, io);
    case 'trapped': {
      const e = new Error(r.message);
      e.name = 'RuntimeError';
      e.stack = r.stack;
      writeText(io.stderr, formatTrap(e));
      return TRAP_EXIT;
    }
    case 'stopped':
      if (r.limit === 'aborted') {
        writeText(io.stderr, `vos: interrupted (${signal ?? 'SIGINT'})\n`);
        return signal === 'SIGTERM' ? SIGTERM_EXIT : SIGINT_EXIT;
      }
      writeText(io.stderr, `vos: stopped: ${r.message}\n`);
      return r.limit === 'timeout' ? TIMEOUT_EXIT : MEMORY_EXIT;
  }
}

export { ModuleError };

/** A failed fetch's reason, with its cause (Node's fetch says only "fetch failed"; the cause names the TLS or socket error). */
function fetchErrorText(err: unknown): string {
  const e = err as { message?: unknown; cause?: { message?: unknown; code?: unknown } };
  let text = String(e?.message ?? err);
  const cause = e?.cause;
  if (cause !== undefined && cause !== null) {
    const why = String(cause.message ?? cause);
    text += `: ${why}`;
    if (typeof cause.code === 'string' && !why.includes(cause.code)) text += ` (${cause.code})`;
  }
  return text;
}
