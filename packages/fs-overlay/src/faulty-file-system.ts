import { CompiledRule, FaultKind, Mulberry32, type FaultOp, type FaultPlan } from './fault-plan';
import { Errno, ForwardingFileSystem } from '@vos/core';
import type { DirEntry, FileStat, FileSystem, FsHandle, Ref } from '@vos/core';

/** One fault that was injected, for tests that want to see what the guest was given. */
export interface InjectedFault {
  readonly op: FaultOp;
  readonly name: string | null;
  /** The errno given, or 0 for a short transfer. */
  readonly errno: number;
}

/**
 * Fault injection for testing guests: wraps any backend and makes the calls a `FaultPlan` picks fail with the
 * planned errno, or transfer fewer bytes (short reads and writes). Everything else passes straight through,
 * the inner backend's handles included, so with an empty plan it is transparent.
 *
 * A faulted call never reaches the inner backend (so nothing is half-done behind the guest's back), and the guest
 * sees exactly the planned errno. Faults are decided per call, in rule order, with counters per rule; the
 * `probability` draws come from a seeded mulberry32 generator, so a run is reproducible.
 *
 * Fast paths: `openPath`/`openDirPath` bypass `openAt` on the directories they cross, which would let a guest
 * slip past an `openAt` rule; they are forwarded only when no rule can match `openAt`, and otherwise left
 * undefined so the core walks step by step through the faulty `openAt`. Vectored I/O (`readv`/`writev`) likewise,
 * only when no rule can pick a read (a write).
 */
export class FaultyFileSystem extends ForwardingFileSystem {
  /** Every fault injected so far, in order. */
  readonly injected: InjectedFault[] = [];
  private readonly rules: CompiledRule[];
  private readonly random: Mulberry32;
  /** Set by `decide` when it returns SHORT: the byte cap. */
  private shortCap = 0;

  constructor(inner: FileSystem, plan: FaultPlan = { rules: [] }) {
    super(inner);
    this.rules = plan.rules.map((r) => new CompiledRule(r));
    this.random = new Mulberry32(plan.seed ?? 1);
    if (this.rules.some((r) => r.ops.has('openAt'))) {
      this.openDirPath = undefined;
      this.openPath = undefined;
    }
    // The inner backend's vectored I/O would skip the plan, so it is offered only when no rule can pick a read
    // (a write); otherwise the core calls `read` (`write`) here once per iovec and each call is decided.
    const { readv, writev } = inner;
    if (readv !== undefined && !this.rules.some((r) => r.ops.has('read'))) this.readv = readv.bind(inner);
    if (writev !== undefined && !this.rules.some((r) => r.ops.has('write'))) this.writev = writev.bind(inner);
  }

  override openRoot(out: Ref<FsHandle | null>): Errno {
    return (this.fault('openRoot', null, null) as Errno) || this.inner.openRoot(out);
  }

  override statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    return (this.fault('statAt', name, null) as Errno) || this.inner.statAt(dir, name, out);
  }

  override openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    return (this.fault('openAt', name, null) as Errno) || this.inner.openAt(dir, name, flags, out);
  }

  override readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    return (this.fault('readlinkAt', name, null) as Errno) || this.inner.readlinkAt(dir, name, out);
  }

  override mkdirAt(dir: FsHandle, name: string): Errno {
    return (this.fault('mkdirAt', name, null) as Errno) || this.inner.mkdirAt(dir, name);
  }

  override symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    return (this.fault('symlinkAt', name, null) as Errno) || this.inner.symlinkAt(target, dir, name);
  }

  override unlinkAt(dir: FsHandle, name: string): Errno {
    return (this.fault('unlinkAt', name, null) as Errno) || this.inner.unlinkAt(dir, name);
  }

  override rmdirAt(dir: FsHandle, name: string): Errno {
    return (this.fault('rmdirAt', name, null) as Errno) || this.inner.rmdirAt(dir, name);
  }

  override renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return (this.fault('renameAt', oldName, newName) as Errno) || this.inner.renameAt(oldDir, oldName, newDir, newName);
  }

  override linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return (this.fault('linkAt', oldName, newName) as Errno) || this.inner.linkAt(oldDir, oldName, newDir, newName);
  }

  override setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    return (this.fault('setTimesAt', name, null) as Errno) || this.inner.setTimesAt(dir, name, atim, mtim);
  }

  // typeOf and close are inherited: close is never faulted (a guest's close always releases the handle).

  override stat(h: FsHandle, out: FileStat): Errno {
    return (this.fault('stat', null, null) as Errno) || this.inner.stat(h, out);
  }

  override read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const f = this.decide('read', null, null);
    if (f === FaultKind.ERRNO) return -this.lastErrno;
    return this.inner.read(h, buf, off, f === FaultKind.SHORT ? Math.min(len, this.shortCap) : len, position);
  }

  override write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    const f = this.decide('write', null, null);
    if (f === FaultKind.ERRNO) return -this.lastErrno;
    return this.inner.write(h, buf, off, f === FaultKind.SHORT ? Math.min(len, this.shortCap) : len, position);
  }

  override truncate(h: FsHandle, size: number): Errno {
    return (this.fault('truncate', null, null) as Errno) || this.inner.truncate(h, size);
  }

  override setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    return (this.fault('setTimes', null, null) as Errno) || this.inner.setTimes(h, atim, mtim);
  }

  override sync(h: FsHandle, dataOnly: boolean): Errno {
    return (this.fault('sync', null, null) as Errno) || this.inner.sync(h, dataOnly);
  }

  override allocate(h: FsHandle, offset: number, len: number): Errno {
    return (this.fault('allocate', null, null) as Errno) || this.inner.allocate(h, offset, len);
  }

  override readdir(h: FsHandle, out: DirEntry[]): Errno {
    return (this.fault('readdir', null, null) as Errno) || this.inner.readdir(h, out);
  }

  // ---- the plan ----

  private lastErrno = 0;

  /** The planned errno for this call, or 0 to go ahead (a short-transfer rule means nothing to non-I/O calls). */
  private fault(op: FaultOp, name: string | null, name2: string | null): number {
    return this.decide(op, name, name2) === FaultKind.ERRNO ? this.lastErrno : 0;
  }

  private decide(op: FaultOp, name: string | null, name2: string | null): FaultKind {
    const rules = this.rules;
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!r.ops.has(op)) continue;
      if (r.pattern !== null && !((name !== null && test(r.pattern, name)) || (name2 !== null && test(r.pattern, name2)))) {
        continue;
      }
      const rule = r.rule;
      if (rule.errno === undefined && op !== 'read' && op !== 'write') continue; // short I/O only means I/O
      r.seen++;
      if (rule.times !== undefined && r.fired >= rule.times) continue;
      if (rule.nth !== undefined ? r.seen !== rule.nth : rule.probability !== undefined && !(this.random.next() < rule.probability)) {
        continue;
      }
      r.fired++;
      if (rule.errno !== undefined) {
        this.lastErrno = rule.errno;
        this.injected.push({ op, name: name, errno: rule.errno });
        return FaultKind.ERRNO;
      }
      this.shortCap = rule.short as number;
      this.injected.push({ op, name, errno: 0 });
      return FaultKind.SHORT;
    }
    return FaultKind.NONE;
  }
}

/** A RegExp with the `g` or `y` flag keeps state between tests; reset it so every name is tested from its start. */
function test(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

