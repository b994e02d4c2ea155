import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ContainerModule, ContainerModuleLoadOptions } from 'inversify';
import { TOKENS, type Clock, type CoreLimits, type FileSystem } from '@vos/core';
import { FakeClock } from '@vos/clock';
import { SeededRandom } from '@vos/random';
import type { StdinSpec, StdioSpec } from '@vos/stdio';
import { createNodeFileSystem } from '@vos/fs-node';
import { MemoryFileSystem, type MemoryQuota } from '@vos/fs-memory';
import { OverlayFileSystem, ReadOnlyFileSystem } from '@vos/fs-overlay';
import type { MountSource } from '@vos/wasi';
import { LIMITS, UsageError, type LimitName, type MountSpec, type RunOptions } from './args';
import type { CliIo } from './io';

/** An `--overlay` mount, kept so `--diff` can ask it what changed (`fs` is set when the WASI composes it). */
export interface OverlayMount {
  readonly guest: string;
  fs: OverlayFileSystem | null;
}

/** Everything a `WASI` needs, built from the options: the composition root of the command. */
export interface World {
  readonly args: string[];
  readonly env: Record<string, string>;
  /**
   * Guest path -> filesystem, or a factory given the instance's clock: every filesystem that stamps times
   * (in-memory ones, overlay uppers) is made by a factory, so `--fake-clock` drives the times the guest sees.
   */
  readonly mounts: Record<string, MountSource>;
  /** Namespace directories to preopen: `/` by default; with `--no-root`, each mount. */
  readonly preopens: string[];
  /** fds 0-2 (WASI's `stdio` option): the injected io, with `--stdin FILE` read up front. */
  readonly stdio: StdioSpec;
  /**
   * The clock of `--fake-clock` and the randomness of `--seed` (and `--deterministic`), as container modules;
   * empty for a run with neither, which then composes from options alone and never evaluates inversify.
   */
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
  const mounts: Record<string, MountSource> = {};
  const overlays: OverlayMount[] = [];
  const { core, quota } = splitLimits(o.limits);
  const policy: FsPolicy = { quota, allowOutsideSymlinks: o.allowOutsideSymlinks };
  const hasRoot = o.mounts.some((m) => m.guest === '/');
  if (!hasRoot && !o.noRoot) mounts['/'] = memoryMount(quota);
  for (const m of o.mounts) {
    const overlay: OverlayMount | null = m.kind === 'overlay' ? { guest: m.guest, fs: null } : null;
    if (overlay !== null) overlays.push(overlay);
    mounts[m.guest] = openMount(m, io.cwd, overlay, policy);
  }
  // With --no-root the namespace still has a root (the walker needs one) but the guest gets no fd for it.
  const preopens = o.noRoot && !hasRoot ? o.mounts.map((m) => m.guest) : ['/'];

  const env: Record<string, string> = {};
  if (o.inheritEnv) for (const [k, v] of Object.entries(io.env)) if (v !== undefined) env[k] = v;
  for (const [k, v] of o.env) {
    // `--env NAME`: the host's value, or nothing when the host has none (wasmtime).
    const value = v ?? io.env[k];
    if (value !== undefined) env[k] = value;
  }

  const modules: ContainerModule[] = [];
  const clock = o.fakeClock ?? (o.deterministic ? true : undefined);
  if (clock !== undefined) {
    modules.push(containerModule(({ bind }) => {
      bind(TOKENS.Clock).toDynamicValue(() => new FakeClock(clock === true ? {} : { start: clock }));
    }));
  }
  const seed = o.seed ?? (o.deterministic ? 0n : undefined);
  if (seed !== undefined) {
    modules.push(containerModule(({ bind }) => {
      bind(TOKENS.Random).toDynamicValue(() => new SeededRandom(seed));
    }));
  }

  const stdio = { stdin: stdinOf(o, io), stdout: io.stdout, stderr: io.stderr };
  return { args: [o.argv0 ?? o.module, ...o.guestArgs], env, mounts, preopens, stdio, modules, overlays, limits: core };
}

/** A fresh in-memory directory stamped by the instance's clock, with the run's quota. */
function memoryMount(quota: MemoryQuota): (env: { readonly clock: Clock }) => FileSystem {
  return ({ clock }) => new MemoryFileSystem({ clock, quota });
}

function openMount(m: MountSpec, cwd: string, overlay: OverlayMount | null, policy: FsPolicy): MountSource {
  const { quota } = policy;
  if (m.host === undefined) return memoryMount(quota);
  const host = resolve(cwd, m.host);
  checkDirectory(m, host);
  switch (m.kind) {
    case 'dir':
      return createNodeFileSystem(host, { allowOutsideSymlinks: policy.allowOutsideSymlinks });
    case 'ro-dir':
      return new ReadOnlyFileSystem(createNodeFileSystem(host));
    case 'mem-dir':
      // A copy: the guest's changes stay in memory and the host directory is only read, once, when composed.
      return ({ clock }) => MemoryFileSystem.fromHostDirectory(host, { clock, quota });
    case 'overlay':
      // The lower is wrapped read-only as well: the overlay never writes it, and this makes that checkable.
      return ({ clock }) => {
        const fs = new OverlayFileSystem(new ReadOnlyFileSystem(createNodeFileSystem(host)), new MemoryFileSystem({ clock, quota }));
        overlay!.fs = fs;
        return fs;
      };
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

/** The guest's stdin: the injected io's, or `--stdin FILE` read up front (a guest reads synchronously). */
export function stdinOf(o: RunOptions, io: CliIo): StdinSpec {
  if (o.stdin === undefined || o.stdin === '-') return io.stdin;
  try {
    return readFileSync(resolve(io.cwd, o.stdin));
  } catch (err) {
    throw new UsageError(`option '--stdin ${o.stdin}': ${hostErrorText(err)}`);
  }
}

/**
 * An inversify `ContainerModule`, with inversify required at the first run that needs one: a run without
 * `--fake-clock`, `--seed` or `--deterministic` (the common case) does not evaluate it (docs/decisions.md, "Cold
 * start"). In the command's one-file build the `require` is of the same inlined copy that @vos/wasi's container
 * comes from (scripts/bundle.js).
 */
function containerModule(load: (options: ContainerModuleLoadOptions) => void): ContainerModule {
  const { ContainerModule: InversifyContainerModule } = require('inversify') as typeof import('inversify');
  return new InversifyContainerModule(load);
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
