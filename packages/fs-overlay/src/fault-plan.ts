import type { FileSystem } from '@vos/core';

/**
 * The FileSystem methods a fault can be planned for (everything a guest can make fail; not `close`/`typeOf`).
 * Vectored I/O is planned as `read`/`write`: a layer with such a rule sends every transfer through them.
 */
export type FaultOp = Exclude<
  keyof FileSystem,
  'capabilities' | 'close' | 'typeOf' | 'openDirPath' | 'openPath' | 'openPathCreating' | 'revalidate' | 'readv' | 'writev'
>;

export const FAULT_OPS: readonly FaultOp[] = [
  'openRoot', 'statAt', 'openAt', 'readlinkAt', 'mkdirAt', 'symlinkAt', 'unlinkAt', 'rmdirAt', 'renameAt', 'linkAt',
  'setTimesAt', 'stat', 'read', 'write', 'truncate', 'setTimes', 'sync', 'allocate', 'readdir',
];

/**
 * One planned fault. A call matches when its method is in `op` and, if `name` is given, one of the names it
 * carries matches (for `renameAt`/`linkAt` either name; handle operations carry no name and never match a rule
 * that has one). Among the matching calls, the rule fires on the `nth` one only (1-based) if `nth` is given, else
 * with `probability` (drawn from the plan's seeded generator) if given, else always; `times` caps how often it
 * fires. The first rule that fires decides the call.
 */
export interface FaultRule {
  /** Method name(s), or `'*'` for all of them. */
  readonly op: FaultOp | readonly FaultOp[] | '*';
  /**
   * Pattern on the one path component the backend is handed (never a whole guest path): a RegExp, or a glob
   * where `*` is any run of characters, `?` any one character, and everything else is literal.
   */
  readonly name?: string | RegExp;
  readonly nth?: number;
  readonly probability?: number;
  readonly times?: number;
  /** The WASI errno the guest gets (EIO, ENOSPC, EINTR, EAGAIN...). */
  readonly errno?: number;
  /** For `read`/`write` without `errno`: transfer at most this many bytes (a short read or write). */
  readonly short?: number;
}

export interface FaultPlan {
  readonly rules: readonly FaultRule[];
  /** Seed of the generator behind `probability` (default 1): the same seed gives the same faults. */
  readonly seed?: number;
}

/** What a rule decided for one call. */
export const FaultKind = { NONE: 0, ERRNO: 1, SHORT: 2 } as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** A rule with its counters; `matches` is precompiled. */
export class CompiledRule {
  seen = 0;
  fired = 0;
  readonly ops: ReadonlySet<string>;
  readonly pattern: RegExp | null;

  constructor(readonly rule: FaultRule) {
    this.ops = new Set(rule.op === '*' ? FAULT_OPS : typeof rule.op === 'string' ? [rule.op] : rule.op);
    for (const op of this.ops) if (!FAULT_OPS.includes(op as FaultOp)) throw new TypeError(`fault plan: unknown op ${op}`);
    const { errno, short, nth, probability, times } = rule;
    if (errno === undefined && short === undefined) throw new TypeError('fault plan: a rule needs errno or short');
    if (errno !== undefined && (!Number.isInteger(errno) || errno <= 0 || errno > 76)) {
      throw new TypeError(`fault plan: errno ${errno} is not a WASI errno`);
    }
    if (short !== undefined && (!Number.isInteger(short) || short < 0)) throw new TypeError('fault plan: bad short');
    if (nth !== undefined && (!Number.isInteger(nth) || nth < 1)) throw new TypeError('fault plan: nth counts from 1');
    if (probability !== undefined && !(probability >= 0 && probability <= 1)) {
      throw new TypeError('fault plan: probability must be within [0, 1]');
    }
    if (times !== undefined && (!Number.isInteger(times) || times < 0)) throw new TypeError('fault plan: bad times');
    this.pattern = rule.name === undefined ? null : typeof rule.name === 'string' ? globToRegExp(rule.name) : rule.name;
  }
}

/** `*` any run, `?` one character, the rest literal; anchored at both ends. */
export function globToRegExp(glob: string): RegExp {
  let source = '^';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(source + '$', 'su');
}

/**
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state, one multiply-xorshift round per number, period 2^32.
 * Plenty for choosing faults, reproducible across Node versions (no Math.random, STYLE habit 8).
 */
export class Mulberry32 {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
}
