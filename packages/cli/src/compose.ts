import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ContainerModule } from 'inversify';
import { TOKENS, type CoreLimits, type FileSystem } from '@vos/core';
import { FakeClock } from '@vos/clock';
import { SeededRandom } from '@vos/random';
import { createStdio, type StdinSpec } from '@vos/stdio';
import { createNodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem, type MemoryQuota } from '@vos/fs-memory';
import { OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import { LIMITS, UsageError, type LimitName, type MountSpec, type RunOptions } from './args';
import type { CliIo } from './io';

/** An `--overlay` mount, kept so `--diff` can ask it what changed. */
export interface OverlayMount {
  readonly guest: string;
  readonly fs: OverlayFileSystem;
}

/** Everything a `WASI` needs, built from the options: the composition root of the command. */
export interface World {
  readonly args: string[];
  readonly env: Record<string, string>;
  /** Guest path -> filesystem; always has `/`. */
  readonly mounts: Record<string, FileSystem>;
  readonly modules: ContainerModule[];
  readonly overlays: OverlayMount[];
  /** The core budgets from `--limit` (WASI's `limits` option). */
  readonly limits: Partial<CoreLimits>;
}

/** What the world's filesystems need from the options: the memory quota and the symlink policy. */
interface FsPolicy {
  readonly quota: MemoryQuota;
  readonly allowOutsideSymlinks: boolean;
}

/** Splits `--limit` values into core limits and the memory quota. */
function splitLimits(limits: Readonly<Record<string, number>>): { core: Partial<CoreLimits>; quota: MemoryQuota } {
  const core: Record<string, number> = {};
  const quota: Record<string, number> = {};
  for (const [name, n] of Object.entries(limits)) {
    const key = LIMITS[name as LimitName];
    if (name.startsWith('mem-')) quota[key] = n;
    else core[key] = n;
  }
  return { core, quota };
}

/**
 * Builds the guest's world. The default is a fresh in-memory `/` that shares nothing with the host; every
 * mount nests into it (or replaces it, for a mount at `/`). Host paths are checked here, so a missing
 * directory is a `UsageError` naming the option, before anything runs.
 */
export function composeWorld(o: RunOptions, io: CliIo): World {
  const mounts: Record<string, FileSystem> = {};
  const overlays: OverlayMount[] = [];
  const { core, quota } = splitLimits(o.limits ?? {});
  const policy: FsPolicy = { quota, allowOutsideSymlinks: o.allowOutsideSymlinks === true };
  if (!o.mounts.some((m) => m.guest === '/')) mounts['/'] = new MemoryFileSystem({ quota });
  for (const m of o.mounts) {
    const fs = openMount(m, io.cwd, policy);
    mounts[m.guest] = fs;
    if (fs instanceof OverlayFileSystem) overlays.push({ guest: m.guest, fs });
  }

  const env: Record<string, string> = {};
  if (o.inheritEnv) for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of o.env) env[k] = v;

  const modules = [stdioModule(o, io)];
  const clock = o.fakeClock ?? (o.deterministic ? true : undefined);
  if (clock !== undefined) {
    modules.push(new ContainerModule(({ bind }) => {
      bind(TOKENS.Clock).toDynamicValue(() => new FakeClock(clock === true ? {} : { start: clock }));
    }));
  }
  const seed = o.seed ?? (o.deterministic ? 0n : undefined);
  if (seed !== undefined) {
    modules.push(new ContainerModule(({ bind }) => {
      bind(TOKENS.Random).toDynamicValue(() => new SeededRandom(seed));
    }));
  }

  return { args: [o.argv0 ?? o.module, ...o.guestArgs], env, mounts, modules, overlays, limits: core };
}

function openMount(m: MountSpec, cwd: string, policy: FsPolicy): FileSystem {
  const { quota } = policy;
  if (m.host === undefined) return new MemoryFileSystem({ quota });
  const host = resolve(cwd, m.host);
  checkDirectory(m, host);
  switch (m.kind) {
    case 'dir':
      return createNodeFileSystem(host, { allowOutsideSymlinks: policy.allowOutsideSymlinks });
    case 'ro-dir':
      return new ReadOnlyFileSystem(createNodeFileSystem(host));
    case 'mem-dir':
      // A copy: the guest's changes stay in memory and the host directory is only read, once, here.
      try {
        return MemoryFileSystem.fromHostDirectory(host, { quota });
      } catch (err) {
        throw new UsageError(`option '${m.written}': ${(err as Error).message}`);
      }
    case 'overlay':
      // The lower is wrapped read-only as well: the overlay never writes it, and this makes that checkable.
      return new OverlayFileSystem(new ReadOnlyFileSystem(createNodeFileSystem(host)), new MemoryFileSystem({ quota }));
  }
}

function checkDirectory(m: MountSpec, host: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(host).isDirectory();
  } catch (err) {
    throw new UsageError(`option '${m.written}': ${hostErrorText(err)}`);
  }
  if (!isDir) throw new UsageError(`option '${m.written}': not a directory`);
}

/** fds 0-2: the injected io, with `--stdin FILE` read up front (a guest reads synchronously). */
function stdioModule(o: RunOptions, io: CliIo): ContainerModule {
  let stdin: StdinSpec = io.stdin;
  if (o.stdin !== undefined && o.stdin !== '-') {
    try {
      stdin = readFileSync(resolve(io.cwd, o.stdin));
    } catch (err) {
      throw new UsageError(`option '--stdin ${o.stdin}': ${hostErrorText(err)}`);
    }
  }
  const spec = { stdin, stdout: io.stdout, stderr: io.stderr };
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Stdio).toDynamicValue(() => createStdio(spec));
  });
}

/** `ENOENT: no such file or directory` rather than Node's full message with the syscall and path. */
export function hostErrorText(err: unknown): string {
  const e = err as { code?: string; message?: string };
  if (e.code === 'ENOENT') return 'no such file or directory';
  if (e.code === 'EACCES') return 'permission denied';
  if (e.code === 'ENOTDIR') return 'not a directory';
  if (e.code === 'EISDIR') return 'is a directory';
  return e.code ?? e.message ?? String(err);
}
