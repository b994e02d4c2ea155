import type { FileSystem } from './fs';

/** The methods every `FileSystem` must have (the optional fast paths, `revalidate` and vectored I/O are checked if present). */
export const REQUIRED_METHODS = [
  'openRoot', 'statAt', 'openAt', 'readlinkAt', 'mkdirAt', 'symlinkAt', 'unlinkAt', 'rmdirAt', 'renameAt', 'linkAt',
  'setTimesAt', 'typeOf', 'close', 'stat', 'read', 'write', 'truncate', 'setTimes', 'sync', 'allocate', 'readdir',
] as const;
export const OPTIONAL_METHODS = ['openDirPath', 'openPath', 'openPathCreating', 'revalidate', 'readv', 'writev'] as const;

/**
 * Why `value` is not a `FileSystem` (the first broken part of the contract), or null when it is one. Checked when
 * a host hands an object over (WASI options, the overlay and read-only wrappers), so a half-implemented backend
 * fails there, naming what is missing, and not at the guest's first syscall.
 */
export function fileSystemContractError(value: unknown): string | null {
  if (value === null || typeof value !== 'object') return 'is not an object';
  if (keepsContract(value as FileSystem)) return null;
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

/**
 * The same checks as `fileSystemContractError`'s loops, with the names written out: a named property read has an
 * inline cache where a read by a computed name does not, and this runs for every mounted backend of every
 * `WASI` (a tenth of a sandbox's construction with the loops). It only says whether all is well; the loops find
 * what is broken. `fs-contract.test.ts` checks that both see every name of the lists.
 */
function keepsContract(fs: FileSystem): boolean {
  const caps = fs.capabilities as FileSystem['capabilities'] | null | undefined;
  return (
    typeof fs.openRoot === 'function' && typeof fs.statAt === 'function' && typeof fs.openAt === 'function' &&
    typeof fs.readlinkAt === 'function' && typeof fs.mkdirAt === 'function' && typeof fs.symlinkAt === 'function' &&
    typeof fs.unlinkAt === 'function' && typeof fs.rmdirAt === 'function' && typeof fs.renameAt === 'function' &&
    typeof fs.linkAt === 'function' && typeof fs.setTimesAt === 'function' && typeof fs.typeOf === 'function' &&
    typeof fs.close === 'function' && typeof fs.stat === 'function' && typeof fs.read === 'function' &&
    typeof fs.write === 'function' && typeof fs.truncate === 'function' && typeof fs.setTimes === 'function' &&
    typeof fs.sync === 'function' && typeof fs.allocate === 'function' && typeof fs.readdir === 'function' &&
    (fs.openDirPath === undefined || typeof fs.openDirPath === 'function') &&
    (fs.openPath === undefined || typeof fs.openPath === 'function') &&
    (fs.openPathCreating === undefined || typeof fs.openPathCreating === 'function') &&
    (fs.revalidate === undefined || typeof fs.revalidate === 'function') &&
    (fs.readv === undefined || typeof fs.readv === 'function') &&
    (fs.writev === undefined || typeof fs.writev === 'function') &&
    typeof caps === 'object' && caps !== null &&
    typeof caps.readOnly === 'boolean' && typeof caps.symlinks === 'boolean' && typeof caps.hardLinks === 'boolean' &&
    typeof caps.timestampResolutionNs === 'bigint' && caps.timestampResolutionNs >= 1n
  );
}

/** Throws a TypeError naming `what` unless `value` implements the whole `FileSystem` contract. */
export function assertFileSystem(value: unknown, what: string): asserts value is FileSystem {
  // The usual case without the second function (a factory's filesystem is checked at every construction).
  if (value !== null && typeof value === 'object' && keepsContract(value as FileSystem)) return;
  const why = fileSystemContractError(value);
  if (why !== null) throw new TypeError(`vos: ${what} is not a FileSystem: it ${why}`);
}
