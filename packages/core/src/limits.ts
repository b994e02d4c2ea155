/**
 * The budgets of one guest's WASI world: every size a guest controls has one, with a default that protects the
 * host (docs/security.md, "Budgets"). The POSIX constants (PATH_MAX, NAME_MAX, a link target's length) are the
 * ones guests' libcs are compiled against, so they are fixed; the rest can be set per instance.
 */

/** Longest path argument in bytes (Linux PATH_MAX): longer is ENAMETOOLONG before the path is even decoded. */
export const PATH_MAX = 4096;
/** Longest symlink target in bytes (PATH_MAX less the NUL, as Linux): longer is ENAMETOOLONG. */
export const SYMLINK_TARGET_MAX = 4095;

/** What one held listing entry costs besides its name (the entry object, its inode number, the array slot). */
export const LISTING_ENTRY_COST = 80;

export interface CoreLimits {
  /** Open fds, stdio and preopens included (EMFILE past it). Default 16384. */
  readonly maxFds: number;
  /** Symlinks followed in one path resolution (ELOOP past it). Default 40, Linux's MAXSYMLINKS. */
  readonly maxSymlinks: number;
  /**
   * Path components visited in one resolution, those spliced in by followed links included (ELOOP past it).
   * Default 8192: a PATH_MAX path has at most 2048, so only link chains reach it.
   */
  readonly maxPathComponents: number;
  /**
   * Memory held at once, over all fds, in the listings `fd_readdir` keeps for its cookies, in bytes (an entry
   * counts its name's length plus `LISTING_ENTRY_COST`). Past it the least recently read listings are dropped (a
   * later read past cookie 0 takes a fresh one). Default 64 MiB.
   */
  readonly maxListingBytes: number;
}

export const DEFAULT_LIMITS: CoreLimits = Object.freeze({
  maxFds: 16384,
  maxSymlinks: 40,
  maxPathComponents: 8192,
  maxListingBytes: 64 * 1024 * 1024,
});

/** `DEFAULT_LIMITS` overridden by `given`; throws a RangeError naming the limit for anything not a positive integer. */
export function resolveLimits(given: Partial<CoreLimits> | undefined, what = 'limits'): CoreLimits {
  if (given === undefined || given === DEFAULT_LIMITS) return DEFAULT_LIMITS; // no copy of what is already resolved
  if (given === null || typeof given !== 'object') throw new TypeError(`vos: ${what} must be an object`);
  const out: Record<string, number> = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_LIMITS)) throw new RangeError(`vos: ${what}.${key} is not a limit (known: ${Object.keys(DEFAULT_LIMITS).join(', ')})`);
    const v = (given as Record<string, unknown>)[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 1) {
      throw new RangeError(`vos: ${what}.${key} must be a positive integer, got ${String(v)}`);
    }
    out[key] = v;
  }
  return Object.freeze(out) as unknown as CoreLimits;
}
