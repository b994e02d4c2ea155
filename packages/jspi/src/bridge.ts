/**
 * JSPI (JavaScript Promise Integration: `WebAssembly.Suspending` / `WebAssembly.promising`) lets a synchronous
 * wasm guest wait for a promise: the guest's stack is suspended while the event loop runs, on the page's own
 * thread, without a worker or SharedArrayBuffer. It can only suspend at a wasm import, and the import's JS
 * function must return the promise. vos's syscalls are synchronous JS (one implementation, STYLE: no sync/async
 * twins), so the bridge runs a syscall as a *replayable attempt*:
 *
 *  1. The syscall runs normally. Every call it makes into an asynchronous backend goes through the bridge, which
 *     records the call's outcome (result and out records) under a key made of the method and its arguments.
 *  2. When a backend call returns a promise, the bridge throws its private `Suspend` marker, which unwinds the
 *     syscall (the core catches nothing: errno is a return value), and the import returns a promise to wasm:
 *     the guest suspends.
 *  3. When the promise settles, its outcome is recorded and the syscall runs again from the start. Calls that
 *     already completed are answered from the record (their side effects are not repeated: a write is not written
 *     twice, a handle not opened twice), and the attempt goes one call further, until the syscall returns.
 *     Closes are held back until then (see `close`).
 *
 * This is sound because a vos syscall commits its own state (fd table, cursors, guest memory results) only after
 * its backend calls have returned: an attempt that unwinds has changed nothing that the next attempt would see
 * differently, and any state it did change (a cached cursor) is the same in every attempt. Outcomes are kept per
 * syscall only, and a backend call that answers synchronously (a cache hit) costs one record and no suspension.
 */
import { Errno, newFileStat, type DirEntry, type FileStat, type FsHandle, type Ref } from '@vos/core';
import { isPromiseLike, type MaybePromise } from './async-fs';

/** Thrown through the core to unwind an attempt; never escapes the bridge. */
class Suspend {
  private constructor() {}
  static readonly marker = new Suspend();
}

/** A completed backend call: its return value and copies of what it wrote into its out records. */
export interface Outcome {
  result: unknown;
  stat?: FileStat;
  ref?: unknown;
  bytes?: Uint8Array;
  entries?: DirEntry[];
}

// JSPI is not in the TypeScript lib yet.
interface JspiWebAssembly {
  Suspending: new (fn: (...args: any[]) => unknown) => object;
  promising: (fn: (...args: any[]) => unknown) => (...args: any[]) => Promise<unknown>;
}
const Wasm = (globalThis as unknown as { WebAssembly: JspiWebAssembly }).WebAssembly;

/** True when this engine has JSPI (Chromium 137+; Firefox behind a flag at the time of writing). */
export function jspiAvailable(): boolean {
  return typeof Wasm?.Suspending === 'function' && typeof Wasm?.promising === 'function';
}

/**
 * The WASI imports that can reach a filesystem (`poll_oneoff` stats the files it polls): only these are wrapped
 * as suspending imports (a `clock_time_get` or `random_get` never suspends, and keeps its direct path).
 */
const FS_IMPORT = /^(fd_|path_|poll_oneoff$)/;

export class JspiBridge {
  private readonly completed = new Map<string, Outcome[]>();
  private readonly consumed = new Map<string, number>();
  /** Answers obtained ahead, for the calls the core makes while it is built (outside any guest call). */
  private readonly prepared = new Map<string, Outcome[]>();
  /** The closes of the current attempt, by handle (see `close`). */
  private readonly closes = new Map<object, () => MaybePromise<void>>();
  private pending: Promise<void> | null = null;
  private inImport = false;
  private recorded = false;
  /** Backend calls that need no answer (close) run in the background, in order. */
  private background: Promise<unknown> = Promise.resolve();
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** Number of times a syscall suspended (for tests and the playground's statistics). */
  suspensions = 0;

  /** A small stable id for a handle, for call keys. */
  id(h: object): number {
    let n = this.ids.get(h);
    if (n === undefined) this.ids.set(h, (n = this.nextId++));
    return n;
  }

  /**
   * Runs one backend call inside an attempt. `exec` calls the backend (with private out records), `save` turns
   * its answer into an outcome, `apply` copies an outcome into the caller's out records and returns the result.
   */
  call<R>(key: string, exec: () => MaybePromise<R>, save: (r: R) => Outcome, apply: (o: Outcome) => R): R {
    if (!this.inImport) {
      const ready = this.prepared.get(key);
      if (ready !== undefined && ready.length > 0) return apply(ready.shift() as Outcome);
    }
    const queue = this.completed.get(key);
    const used = this.consumed.get(key) ?? 0;
    if (queue !== undefined && used < queue.length) {
      this.consumed.set(key, used + 1);
      return apply(queue[used]);
    }
    let answer: MaybePromise<R>;
    try {
      answer = exec();
    } catch {
      answer = Errno.IO as unknown as R; // a backend that throws broke its contract: EIO, never a host crash
    }
    if (!isPromiseLike(answer)) {
      const outcome = save(answer);
      this.record(key, outcome);
      this.consumed.set(key, used + 1);
      return apply(outcome);
    }
    if (!this.inImport) {
      throw new Error(
        'vos: an asynchronous filesystem answered with a promise outside a guest call (JSPI can only wait inside ' +
          'one); open it with `await bridge.mount(fs)` and run the guest with `startWithJspi`',
      );
    }
    this.pending = answer.then(
      (r) => this.record(key, save(r)),
      () => this.record(key, { result: Errno.IO }),
    );
    throw Suspend.marker;
  }

  /** Stores an answer obtained ahead (awaited by the host) for a call the core will make outside a guest call. */
  prepare(key: string, o: Outcome): void {
    const queue = this.prepared.get(key);
    if (queue) queue.push(o);
    else this.prepared.set(key, [o]);
  }

  /**
   * `close`: deferred to the end of the syscall and run once per handle. An attempt that unwinds leaves its
   * walker state behind, and the next attempt starts by releasing it, closing handles that the replay is about
   * to hand out again; so only the closes of the attempt that completes are carried out (the ones of an
   * unwound attempt are dropped), after the syscall, in the background. Outside a guest call it runs at once.
   */
  close(h: object, exec: () => MaybePromise<void>): void {
    if (this.inImport) {
      this.closes.set(h, exec);
      return;
    }
    this.runClose(exec);
  }

  private runClose(exec: () => MaybePromise<void>): void {
    try {
      const r = exec();
      if (isPromiseLike(r)) this.background = this.background.then(() => r).catch(() => undefined);
    } catch {
      // close never fails as far as the guest is concerned
    }
  }

  /** Resolves once every background call so far has settled. */
  settled(): Promise<unknown> {
    return this.background;
  }

  private record(key: string, outcome: Outcome): void {
    const queue = this.completed.get(key);
    if (queue) queue.push(outcome);
    else this.completed.set(key, [outcome]);
    this.recorded = true;
  }

  private endSyscall(): void {
    if (this.closes.size > 0) {
      for (const exec of this.closes.values()) this.runClose(exec);
      this.closes.clear();
    }
    if (this.recorded) {
      this.completed.clear();
      this.recorded = false;
    }
    this.consumed.clear();
    this.pending = null;
  }

  /**
   * The import object with every filesystem-reaching WASI function wrapped as a suspending import. The guest
   * must then be started through `WebAssembly.promising` (see `startWithJspi`).
   */
  wrapImports(importObject: Record<string, Record<string, unknown>>): Record<string, Record<string, unknown>> {
    const out: Record<string, Record<string, unknown>> = {};
    for (const [module, fns] of Object.entries(importObject)) {
      const wrapped: Record<string, unknown> = {};
      for (const [name, fn] of Object.entries(fns)) {
        wrapped[name] = typeof fn === 'function' && FS_IMPORT.test(name) ? new Wasm.Suspending(this.attempts(fn as (...a: unknown[]) => unknown)) : fn;
      }
      out[module] = wrapped;
    }
    return out;
  }

  /** The attempt loop around one syscall: synchronous when nothing suspends, a promise otherwise. */
  private attempts(fn: (...a: unknown[]) => unknown): (...a: unknown[]) => unknown {
    const once = (args: unknown[]): { done: true; value: unknown } | { done: false } => {
      this.consumed.clear();
      this.closes.clear();
      this.inImport = true;
      try {
        const value = fn(...args);
        this.endSyscall();
        return { done: true, value };
      } catch (err) {
        if (err !== Suspend.marker) {
          this.endSyscall();
          throw err;
        }
        return { done: false };
      } finally {
        this.inImport = false;
      }
    };
    return (...args: unknown[]) => {
      const first = once(args);
      if (first.done) return first.value;
      this.suspensions++;
      return (async () => {
        for (;;) {
          await this.pending;
          const next = once(args);
          if (next.done) return next.value;
        }
      })();
    };
  }
}

/** Outcome helpers shared by the filesystem facade. */
export const outcome = {
  plain: (r: unknown): Outcome => ({ result: r }),
  result: <R>(o: Outcome): R => o.result as R,
  withStat: (scratch: FileStat) => (r: unknown): Outcome => ({ result: r, stat: { ...scratch } }),
  applyStat: <R>(out: FileStat) => (o: Outcome): R => {
    if (o.stat) Object.assign(out, o.stat);
    return o.result as R;
  },
  withRef: (scratch: Ref<unknown>) => (r: unknown): Outcome => ({ result: r, ref: scratch.value }),
  applyRef: <R>(out: Ref<any>) => (o: Outcome): R => {
    if (o.result === Errno.SUCCESS) out.value = o.ref;
    return o.result as R;
  },
};

export function freshStat(): FileStat {
  return newFileStat();
}

export type { FsHandle };
