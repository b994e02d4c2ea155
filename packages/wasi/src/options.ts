import type { Container, ContainerModule } from 'inversify';
import { fileSystemContractError, resolveLimits, type Clock, type CoreLimits, type FileSystem } from '@vos/core';
import type { StdioSpec } from '@vos/stdio';
import type { DeterministicOptions } from './deterministic';
import type { TraceOption } from './trace-option';
import { errInvalidArgValue } from './errors';
import { PLATFORM_DEFAULTS } from './host';
import { validateArray, validateInt32, validateObject, validateString } from './validate';

/** node:wasi's constructor options, plus two vos-only ones (`container`, `modules`) that node:wasi ignores. */
export interface WASIOptions {
  /** Required, as in Node 20: 'preview1' (`wasi_snapshot_preview1`) or 'unstable' (`wasi_unstable`, snapshot 0). */
  version: 'preview1' | 'unstable';
  /** The guest's argv; each element goes through `String()` (node:wasi does not type-check them). */
  args?: readonly unknown[];
  /** The guest's environment: each own string key with a value other than `undefined` becomes `KEY=${value}`. */
  env?: Record<string, unknown>;
  /** Guest path -> host path; each host directory becomes a filesystem through `TOKENS.HostDirectory`. */
  preopens?: Record<string, unknown>;
  /** Default true: `start()` returns the code given to `proc_exit`. When false, `proc_exit` ends the process. */
  returnOnExit?: boolean;
  /** Host fds behind the guest's fds 0, 1, 2 (defaults 0, 1, 2). */
  stdin?: number;
  stdout?: number;
  stderr?: number;
  /**
   * vos: a mount namespace. Guest path -> a `FileSystem` (any backend), a host directory path (opened through
   * `TOKENS.HostDirectory`), or a factory `({ clock }) => FileSystem` called with the instance's clock (so an
   * in-memory filesystem stamps files with the same, possibly fake, time). Without a mount at `/`, the root is a
   * fresh in-memory filesystem. The guest gets the namespace directories in `mountPreopens` (default `['/']`) as
   * preopens, after any node:wasi-style `preopens`.
   */
  mounts?: Record<string, MountSource>;
  /** vos: namespace directories to preopen (default `['/']`); each must lie in `mounts`' namespace. */
  mountPreopens?: readonly string[];
  /** vos: providers bound here win over the defaults (each token is looked up here first). */
  container?: Container;
  /** vos: modules loaded after the defaults, in a child container, so a plain `bind` replaces a default. */
  modules?: readonly ContainerModule[];
  /**
   * vos: deterministic mode, one switch: a `FakeClock` at a fixed epoch (default 2000-01-01T00:00:00Z) and
   * `SeededRandom` (default seed 0); without `mounts` or `preopens`, the guest also gets a fresh in-memory `/`;
   * without any stdio option, stdin is empty and stdout/stderr are captured in `wasi.captured`. Same program,
   * same options: byte-identical output and filesystem.
   */
  deterministic?: boolean | DeterministicOptions;
  /**
   * vos: what fds 0-2 are, in any form `createStdio` takes: a host fd, a string/Buffer/Uint8Array as stdin, a
   * callback or a Writable for output, a `CollectorSink`, `'null'`, `'inherit'`. Replaces `stdin`/`stdout`/`stderr`.
   */
  stdio?: StdioSpec;
  /** vos: strace-style tracing: a callback given one line per syscall, or `{ line?, summary?, now? }`. */
  trace?: TraceOption;
  /**
   * vos: the guest's budgets (fds, symlinks and components per path resolution, held directory listings); each
   * unset one keeps its default (`DEFAULT_LIMITS`, docs/security.md). In-memory filesystems have their own
   * quota (`MemoryFileSystem`'s `quota` option).
   */
  limits?: Partial<CoreLimits>;
}

/** What a mount can be given as: a backend, a host directory path, or a factory called with the instance's clock. */
export type MountSource = FileSystem | string | ((env: { readonly clock: Clock }) => FileSystem);

/** The options after node:wasi's validation and conversions; what the container modules read. */
export interface ParsedOptions {
  readonly importModule: 'wasi_snapshot_preview1' | 'wasi_unstable';
  readonly args: readonly string[];
  /** `KEY=VALUE` strings, in `Object.entries` order. */
  readonly env: readonly string[];
  /** [guestPath, hostPath] pairs, in `Object.entries` order. */
  readonly preopens: readonly (readonly [string, string])[];
  readonly stdin: number;
  readonly stdout: number;
  readonly stderr: number;
  /** [guest path, FileSystem or host path] pairs of the mount namespace, or undefined without one. */
  readonly mounts?: readonly (readonly [string, MountSource])[];
  readonly mountPreopens?: readonly string[];
  readonly limits: CoreLimits;
}

/**
 * node:wasi (v20) constructor validation, in Node's order: options, version, args, env, preopens, stdin/out/err.
 * `returnOnExit` is checked later, after the providers are built, because Node checks it after `uvwasi_init`
 * (so a missing preopen is reported before a bad `returnOnExit`).
 */
export function parseOptions(options: unknown): ParsedOptions {
  validateObject(options, 'options');

  validateString(options.version, 'options.version');
  let importModule: ParsedOptions['importModule'];
  switch (options.version) {
    case 'preview1':
      importModule = 'wasi_snapshot_preview1';
      break;
    case 'unstable':
      importModule = 'wasi_unstable';
      break;
    default:
      throw errInvalidArgValue('options.version', options.version, 'unsupported WASI version');
  }

  if (options.args !== undefined) validateArray(options.args, 'options.args');
  // `map(String)` as Node: numbers, null, objects are stringified; a Symbol becomes 'Symbol(desc)'.
  const given = (options.args as unknown[] | undefined) || NO_ARGS;
  const args: string[] = new Array(given.length);
  for (let i = 0; i < given.length; i++) {
    const a = String(given[i]);
    // vos: a NUL would silently cut the string where the guest's C library reads it (node:wasi passes it on).
    if (a.includes('\0')) throw errInvalidArgValue(`options.args[${i}]`, a, 'must not contain a NUL byte');
    args[i] = a;
  }

  const env: string[] = [];
  if (options.env !== undefined) {
    validateObject(options.env, 'options.env');
    for (const [key, value] of Object.entries(options.env)) {
      // A template literal, as Node: `null` gives 'K=null', a Symbol value throws Node's own TypeError.
      if (value !== undefined) {
        const entry = `${key}=${value as string}`;
        refuseNul(key, () => `options.env key '${printable(key)}'`);
        refuseNul(entry, () => `options.env['${printable(key)}']`);
        env.push(entry);
      }
    }
  }

  const preopens: (readonly [string, string])[] = [];
  if (options.preopens !== undefined) {
    validateObject(options.preopens, 'options.preopens');
    for (const [key, value] of Object.entries(options.preopens)) {
      const pair = [String(key), String(value)] as const;
      refuseNul(pair[0], () => `options.preopens key '${printable(pair[0])}'`);
      refuseNul(pair[1], () => `options.preopens['${printable(pair[0])}']`);
      preopens.push(pair);
    }
  }

  const { stdin = 0, stdout = 1, stderr = 2 } = options;
  // The defaults are valid: only a value the host gave is checked (the same errors, in the same order).
  if (stdin !== 0) validateInt32(stdin, 'options.stdin', 0);
  if (stdout !== 1) validateInt32(stdout, 'options.stdout', 0);
  if (stderr !== 2) validateInt32(stderr, 'options.stderr', 0);

  const limits = resolveLimits(options.limits as Partial<CoreLimits> | undefined, 'options.limits');
  const { mounts, mountPreopens } = parseMounts(options);
  return { importModule, args, env, preopens, stdin: stdin as number, stdout: stdout as number, stderr: stderr as number, mounts, mountPreopens, limits };
}

const NO_ARGS: readonly unknown[] = [];

/** Host strings are checked as strictly as a guest's: a NUL byte is refused, naming the option. */
function refuseNul(value: string, name: () => string): void {
  // The option's name is built only for the error: building it for every arg, env entry and mount (JSON-escaping
  // each key) cost more than the check, on every construction.
  if (value.includes('\0')) throw errInvalidArgValue(name(), value, 'must not contain a NUL byte');
}

function mountName(guestPath: string): string {
  return `options.mounts['${printable(guestPath)}']`;
}

/** A key as it can be shown in a message (control characters escaped). */
function printable(s: string): string {
  return JSON.stringify(s).slice(1, -1);
}

/** The vos-only `mounts` and `mountPreopens` options (node:wasi has neither, so nothing to stay compatible with). */
export function parseMounts(options: Record<string, unknown>): Pick<ParsedOptions, 'mounts' | 'mountPreopens'> {
  const { mounts, mountPreopens, deterministic, preopens } = options;
  if (mounts === undefined) {
    if (mountPreopens !== undefined) throw errInvalidArgValue('options.mountPreopens', mountPreopens, 'needs options.mounts');
    // Deterministic mode with no filesystem of its own gets an in-memory root, and so does every run in a browser.
    const memoryRoot = PLATFORM_DEFAULTS.memoryRoot || (deterministic !== undefined && deterministic !== false);
    if (memoryRoot && preopens === undefined) return { mounts: [] };
    return {};
  }
  validateObject(mounts, 'options.mounts');
  const pairs: (readonly [string, MountSource])[] = [];
  for (const guestPath in mounts) {
    if (!Object.prototype.hasOwnProperty.call(mounts, guestPath)) continue; // own enumerable keys, as Object.entries
    const value = mounts[guestPath];
    // The option's name is made only for an error (a closure per mount cost more than the checks).
    if (guestPath.includes('\0')) throw errInvalidArgValue(mountName(guestPath), guestPath, 'must not contain a NUL byte');
    if (guestPath.charCodeAt(0) !== 0x2f) throw errInvalidArgValue(mountName(guestPath), guestPath, 'must be an absolute guest path');
    if (typeof value === 'string') {
      if (value.includes('\0')) throw errInvalidArgValue(mountName(guestPath), value, 'must not contain a NUL byte');
    } else if (typeof value === 'object' && value !== null) {
      // The whole contract, now: a half-implemented backend must not fail at the guest's first syscall.
      const why = fileSystemContractError(value);
      if (why !== null) throw errInvalidArgValue(mountName(guestPath), value, `is not a FileSystem: it ${why}`);
    } else if (typeof value !== 'function') {
      throw errInvalidArgValue(mountName(guestPath), value, 'must be a FileSystem, a factory or a host directory path');
    }
    pairs.push([guestPath, value as MountSource]);
  }
  if (mountPreopens !== undefined) {
    validateArray(mountPreopens, 'options.mountPreopens');
    for (const p of mountPreopens) {
      validateString(p, 'options.mountPreopens[]');
      // The name is a constant: no closure for refuseNul made per preopen.
      if (p.includes('\0')) throw errInvalidArgValue('options.mountPreopens[]', p, 'must not contain a NUL byte');
    }
  }
  return { mounts: pairs, mountPreopens: mountPreopens as string[] | undefined };
}
