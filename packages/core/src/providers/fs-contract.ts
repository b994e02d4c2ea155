import type { FileSystem } from './fs';

/** The methods every `FileSystem` must have (the optional fast paths, `revalidate` and vectored I/O are checked if present). */
const REQUIRED_METHODS = [
  'openRoot', 'statAt', 'openAt', 'readlinkAt', 'mkdirAt', 'symlinkAt', 'unlinkAt', 'rmdirAt', 'renameAt', 'linkAt',
  'setTimesAt', 'typeOf', 'close', 'stat', 'read', 'write', 'truncate', 'setTimes', 'sync', 'allocate', 'readdir',
] as const;
const OPTIONAL_METHODS = ['openDirPath', 'openPath', 'revalidate', 'readv', 'writev'] as const;

/**
 * Why `value` is not a `FileSystem` (the first broken part of the contract), or null when it is one. Checked when
 * a host hands an object over (WASI options, the overlay and read-only wrappers), so a half-implemented backend
 * fails there, naming what is missing, and not at the guest's first syscall.
 */
export function fileSystemContractError(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return 'is not an object';
  const fs = value as Record<string, unknown>;
  for (const m of REQUIRED_METHODS) {
    if (typeof fs[m] !== 'function') return `has no ${m}() method`;
  }
  for (const m of OPTIONAL_METHODS) {
    if (fs[m] !== undefined && typeof fs[m] !== 'function') return `has a ${m} that is not a function`;
  }
  const caps = fs.capabilities as Record<string, unknown> | null | undefined;
  if (caps === null || typeof caps !== 'object') return 'has no capabilities object';
  for (const k of ['readOnly', 'symlinks', 'hardLinks']) {
    if (typeof caps[k] !== 'boolean') return `has no boolean capabilities.${k}`;
  }
  if (typeof caps.timestampResolutionNs !== 'bigint' || (caps.timestampResolutionNs as bigint) < 1n) {
    return 'has no capabilities.timestampResolutionNs (a bigint >= 1n)';
  }
  return null;
}

/** Throws a TypeError naming `what` unless `value` implements the whole `FileSystem` contract. */
export function assertFileSystem(value: unknown, what: string): asserts value is FileSystem {
  const why = fileSystemContractError(value);
  if (why !== null) throw new TypeError(`vos: ${what} is not a FileSystem: it ${why}`);
}
