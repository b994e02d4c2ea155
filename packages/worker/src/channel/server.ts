import {
  DECLINED, Errno, Filetype, isPromiseLike, newFileStat, OpenFlags,
  type AsyncClock, type AsyncFileSystem, type AsyncRandomSource, type AsyncStream, type DirEntry, type FileStat,
  type FsHandle, type MaybePromise, type Ref,
} from '@vos/core';
import {
  ARG, BOX_BUSY, BOX_DATA_OFFSET, BOX_EMPTY, BOX_FULL, BOX_LENGTH, BOX_STATE, BOX_STREAM, CLOSE_COUNT, CLOSES, ChannelViews,
  F64, I64, I64_ATIM, I64_MTIM, OP, Op, REQUEST, RESPONSE, STATE, TIME_ATIM, TIME_MTIM,
} from './layout';
import { AdaptiveSpin, defaultMaxSpinMs, spinUntilEqual } from './spin';
import type { RootHandle } from '../protocol';

declare class TextDecoder {
  decode(input?: ArrayBufferView): string;
}
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}
declare const performance: { now(): number };

/** What one channel serves: providers by small integer id, all on the serving thread. */
export interface ServedWorld {
  readonly filesystems: readonly AsyncFileSystem[];
  readonly streams: readonly AsyncStream[];
  readonly clock?: AsyncClock;
  readonly random?: AsyncRandomSource;
  /** Answers `Op.CONTROL` calls (tests and tools); absent: ENOSYS. */
  readonly control?: (name: string, arg: string) => MaybePromise<string>;
}

export interface ChannelServerOptions {
  /**
   * After answering a call, poll for the next one at most this long (ms) before going back to the event loop,
   * adapted to how soon calls follow each other (spin.ts): syscalls come in bursts, and a poll sees the next
   * call within a µs where a wake-up through the event loop costs 10-40 µs. 0 never polls. Default: 0.05 ms,
   * none on one core. Only a thread's sole live server polls (polling for one channel would delay the others),
   * and it goes back to the event loop at least every 2 ms (timers, I/O, the deadline of the run it serves).
   */
  readonly spinMs?: number;
  /** Most handles the client may hold at once (EMFILE past it). */
  readonly maxHandles?: number;
  /**
   * The post box (layout.ts) for writes to streams that cannot fail; only streams the host knows cannot fail
   * may be written through it (the client is not told how a write went).
   */
  readonly box?: SharedArrayBuffer;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A handle served to the client: the provider and the provider's own handle object. */
interface Served {
  fs: AsyncFileSystem;
  h: FsHandle;
}

/** Calls whose success hands the client a new handle (must be closed if the client is gone by then). */
function opensHandle(op: number): boolean {
  return op === Op.OPEN_ROOT || op === Op.OPEN_AT || op === Op.OPEN_DIR_PATH || op === Op.OPEN_PATH;
}

/**
 * The serving side of the channel, on the thread that owns the providers (the host's). It waits with
 * `Atomics.waitAsync`, so the thread stays free for other work (other sandboxes, timers, I/O) while the guest
 * computes; a call to a synchronous provider is answered at once, a call to an asynchronous one when its promise
 * settles. Provider handles live in a table here and reach the client as integers; `close()` closes every handle
 * the client still holds, so a stopped guest leaks nothing.
 */
export class ChannelServer {
  private readonly v: ChannelViews;
  private readonly handles: (Served | undefined)[] = [undefined];
  private readonly free: number[] = [];
  private live = 0;
  private closed = false;
  private busy = false;
  private readonly stat: FileStat = newFileStat();
  private readonly ref: Ref<FsHandle | null> = { value: null };
  private readonly strRef: Ref<string> = { value: '' };
  private readonly entries: DirEntry[] = [];
  /** The rest of a response longer than the payload area, fetched with `Op.MORE`. */
  private pending: Uint8Array | null = null;
  /** Polling for the next call (spin.ts); null: never. */
  private readonly spin: AdaptiveSpin | null;
  private readonly maxHandles: number;
  private loopDone: Promise<void> | null = null;
  private started = false;
  /** Calls served (for tests and the bench). */
  served = 0;
  private readonly box: Int32Array | null;
  private readonly boxData: Uint8Array | null;

  constructor(sab: SharedArrayBuffer, private readonly world: ServedWorld, options: ChannelServerOptions = {}) {
    this.v = new ChannelViews(sab);
    const spinMs = options.spinMs ?? defaultMaxSpinMs();
    this.spin = spinMs > 0 ? new AdaptiveSpin(spinMs) : null;
    this.maxHandles = options.maxHandles ?? 65536;
    this.box = options.box === undefined ? null : new Int32Array(options.box, 0, 4);
    this.boxData = options.box === undefined ? null : new Uint8Array(options.box, BOX_DATA_OFFSET);
  }

  /** Writes what the post box holds to its stream, if anything (see layout.ts). */
  private takeBox(): void {
    const box = this.box;
    if (box === null || Atomics.compareExchange(box, BOX_STATE, BOX_FULL, BOX_BUSY) !== BOX_FULL) return;
    const stream = this.world.streams[box[BOX_STREAM]];
    try {
      // A stream the host chose because its write cannot fail, and answers at once (CollectorSink, NullStream).
      stream?.write(this.boxData as Uint8Array, 0, box[BOX_LENGTH]);
    } catch {
      // Nothing to tell the guest: it was told the bytes were written (see ChannelClient.post).
    }
    Atomics.store(box, BOX_STATE, BOX_EMPTY);
    Atomics.notify(box, BOX_STATE);
  }

  /** Starts serving; returns at once. */
  start(): void {
    if (this.loopDone !== null || this.closed) return;
    this.started = true;
    if (liveServers++ === 0) keepAlive = setInterval(noop, 1 << 30);
    this.loopDone = this.loop();
  }

  /**
   * Opens every served filesystem's root now, before the client runs (asynchronous backends are awaited), and
   * returns them by filesystem id (null where `openRoot` failed: the client then asks itself and gets the
   * errno). The handles are the client's, closed as any other (and by `close`).
   */
  async openRoots(): Promise<(RootHandle | null)[]> {
    const roots: (RootHandle | null)[] = [];
    for (const fs of this.world.filesystems) {
      const ref = this.ref;
      let errno: number;
      try {
        const r = fs.openRoot(ref);
        errno = isPromiseLike(r) ? await Promise.resolve(r).then((e) => e, () => Errno.IO) : r;
      } catch {
        errno = Errno.IO;
      }
      const h = ref.value;
      ref.value = null;
      if (errno !== Errno.SUCCESS || h === null) {
        roots.push(null);
        continue;
      }
      const id = this.issue(fs, h);
      roots.push(id < 0 ? null : { id, filetype: fs.typeOf(h) });
    }
    return roots;
  }

  /** Number of provider handles the client holds (0 after `close`). */
  get openHandles(): number {
    return this.live;
  }

  /**
   * Stops serving and closes every handle the client still holds (awaiting asynchronous closes). A call in
   * flight to an asynchronous provider completes in the provider; a handle it opens is closed at once.
   * `deferred`: the closes the client handed back with its report. `wake`: see below.
   */
  async close(deferred?: readonly number[], wake = true): Promise<void> {
    if (this.closed) return;
    // What the guest wrote last through the post box reaches its stream before the streams are closed.
    this.takeBox();
    this.closed = true;
    // Streams the client closed without telling (closes it handed back with its report); handles are all
    // closed below anyway.
    const streamCloses: Promise<unknown>[] = [];
    if (deferred !== undefined) {
      for (const id of deferred) {
        if (!Number.isInteger(id) || id >= 0) continue;
        const r = this.closeStream(-1 - id);
        if (r !== undefined) streamCloses.push(r);
      }
    }
    if (this.started && --liveServers === 0) {
      clearInterval(keepAlive);
      keepAlive = undefined;
    }
    // Wakes this side's `waitAsync` so the loop ends now. `wake` false (a pool session, whose channel is reused):
    // no notify, which would also wake the guest's thread waiting on the same word for its next run; the loop
    // ends at the next notify on this buffer (the next run's start, or the session's end).
    if (wake) Atomics.notify(this.v.i32, STATE);
    const waits: Promise<unknown>[] = [];
    for (let id = 1; id < this.handles.length; id++) {
      const s = this.handles[id];
      if (s === undefined) continue;
      this.handles[id] = undefined;
      this.live--;
      const r = safeClose(s);
      if (r !== undefined) waits.push(r);
    }
    await Promise.all(waits);
    await Promise.all(streamCloses);
    if (wake && this.loopDone !== null) await this.loopDone;
  }

  private async loop(): Promise<void> {
    const i32 = this.v.i32;
    const spin = this.spin;
    /** When this side last answered (0: not since it slept), and when the event loop last turned. */
    let answeredAt = 0;
    let turnedAt = performance.now();
    while (!this.closed) {
      // A post (layout.ts) wakes this loop without a call: take it, then wait again without polling.
      let posted = false;
      if (this.box !== null && Atomics.load(this.box, BOX_STATE) === BOX_FULL) {
        this.takeBox();
        posted = true;
      }
      const state = Atomics.load(i32, STATE);
      if (state !== REQUEST) {
        if (!posted && spin !== null && answeredAt !== 0 && liveServers === 1 && performance.now() - turnedAt < MAX_TURN_MS) {
          const ms = spin.next();
          if (ms > 0) {
            const answered = spinUntilEqual(i32, STATE, REQUEST, ms);
            spin.polled(answered);
            if (answered) continue;
          }
        }
        const w = Atomics.waitAsync(i32, STATE, state);
        if (w.async) {
          // A post that landed after the look at the box above (during the poll, or just before this wait) sent
          // its notify to nobody: take it now. Any later post notifies the wait just registered.
          if (this.box !== null && Atomics.load(this.box, BOX_STATE) === BOX_FULL) this.takeBox();
          await w.value;
          turnedAt = performance.now();
        }
        continue;
      }
      if (spin !== null && answeredAt !== 0) {
        const now = performance.now();
        spin.record(now - answeredAt);
        // A guest that keeps calling while this thread polls never lets it sleep: let timers and I/O run.
        if (now - turnedAt >= MAX_TURN_MS) {
          await turnEventLoop();
          turnedAt = performance.now();
          if (this.closed) return;
        }
      }
      let r: Promise<void> | undefined;
      try {
        r = this.serveOne();
      } catch {
        i32[ARG] = Errno.IO;
      }
      if (r !== undefined) await r;
      if (this.closed) return;
      Atomics.store(i32, STATE, RESPONSE);
      Atomics.notify(i32, STATE);
      if (spin !== null) answeredAt = performance.now();
    }
  }

  /** Serves the request in the slots; returns a promise only when a provider answered with one. */
  private serveOne(): Promise<void> | undefined {
    this.served++;
    // Posted writes came before this call: they reach their streams first.
    this.takeBox();
    const i32 = this.v.i32;
    const nCloses = i32[CLOSE_COUNT];
    let closing: Promise<unknown>[] | undefined;
    for (let i = 0; i < nCloses; i++) {
      const id = i32[CLOSES + i];
      if (id > 0) this.release(id);
      else {
        const r = this.closeStream(-1 - id);
        if (r !== undefined) (closing ??= []).push(r);
      }
    }
    // A stream whose close is asynchronous is closed before the call that carried it is served.
    if (closing !== undefined) return Promise.all(closing).then(() => this.serveOp());
    return this.serveOp();
  }

  /** Closes served stream `id` (a close the client deferred); a promise when the stream's close returns one. */
  private closeStream(id: number): Promise<unknown> | undefined {
    const stream = this.world.streams[id];
    if (stream === undefined || stream.close === undefined) return undefined;
    try {
      const r = stream.close();
      return isPromiseLike(r) ? Promise.resolve(r).then(undefined, () => undefined) : undefined;
    } catch {
      return undefined;
    }
  }

  private serveOp(): Promise<void> | undefined {
    const i32 = this.v.i32;
    if (this.closed) return undefined;
    const op = i32[OP];
    let r: MaybePromise<number>;
    try {
      r = this.dispatch(op);
    } catch {
      r = Errno.IO;
    }
    if (typeof r === 'number') {
      i32[ARG] = r;
      return undefined;
    }
    return r.then(
      (value) => {
        if (this.closed) this.dropOrphan(op, value);
        else i32[ARG] = value;
      },
      () => {
        if (!this.closed) i32[ARG] = Errno.IO;
      },
    );
  }

  /** A handle opened for a client that is gone: close it rather than leak it. */
  private dropOrphan(op: number, value: number): void {
    if (!opensHandle(op) || value !== Errno.SUCCESS) return;
    const id = this.v.i32[ARG + 1];
    if (id > 0) this.release(id);
  }

  private fsOf(id: number): Served | undefined {
    return id > 0 && id < this.handles.length ? this.handles[id] : undefined;
  }

  private issue(fs: AsyncFileSystem, h: FsHandle): number {
    if (this.closed || this.live >= this.maxHandles) {
      safeClose({ fs, h });
      return -1;
    }
    const id = this.free.length > 0 ? (this.free.pop() as number) : this.handles.length;
    this.handles[id] = { fs, h };
    this.live++;
    return id;
  }

  private release(id: number): void {
    const s = this.fsOf(id);
    if (s === undefined) return;
    this.handles[id] = undefined;
    this.free.push(id);
    this.live--;
    safeClose(s);
  }

  private str(at: number, len: number): string {
    return decoder.decode(this.v.data.slice(at, at + len));
  }

  /** Result slots of a call that opened a handle: errno, id, filetype. */
  private opened(fs: AsyncFileSystem, errno: number): number {
    const i32 = this.v.i32;
    if (errno !== Errno.SUCCESS) return errno;
    const h = this.ref.value as FsHandle;
    this.ref.value = null;
    const id = this.issue(fs, h);
    if (id < 0) return Errno.MFILE;
    i32[ARG + 1] = id;
    i32[ARG + 2] = fs.typeOf(h);
    return Errno.SUCCESS;
  }

  private writeStat(): void {
    const i64 = this.v.i64;
    const st = this.stat;
    i64[I64] = st.dev;
    i64[I64 + 1] = st.ino;
    i64[I64 + 2] = BigInt(st.filetype);
    i64[I64 + 3] = st.nlink;
    i64[I64 + 4] = st.size;
    i64[I64 + 5] = st.atim;
    i64[I64 + 6] = st.mtim;
    i64[I64 + 7] = st.ctim;
  }

  /** Sends `bytes` as the payload, the first chunk now and the rest through `Op.MORE`; slot 1 = total length. */
  private sendLong(bytes: Uint8Array): void {
    const data = this.v.data;
    this.v.i32[ARG + 1] = bytes.length;
    if (bytes.length <= data.length) {
      data.set(bytes);
      this.pending = null;
    } else {
      data.set(bytes.subarray(0, data.length));
      this.pending = bytes;
    }
  }

  private dispatch(op: number): MaybePromise<number> {
    const i32 = this.v.i32;
    const a0 = i32[ARG];
    switch (op) {
      case Op.PING:
        return 0;
      case Op.FLUSH:
        return 0;
      case Op.OPEN_ROOT: {
        const fs = this.world.filesystems[a0];
        if (fs === undefined) return Errno.BADF;
        return then(fs.openRoot(this.ref), (e) => this.opened(fs, e));
      }
      case Op.MORE: {
        const pending = this.pending;
        if (pending === null) return Errno.INVAL;
        const from = this.v.f64[F64];
        const chunk = pending.subarray(from, from + this.v.data.length);
        this.v.data.set(chunk);
        if (from + chunk.length >= pending.length) this.pending = null;
        i32[ARG + 1] = chunk.length;
        return 0;
      }
      case Op.CONTROL: {
        const control = this.world.control;
        if (control === undefined) return Errno.NOSYS;
        const name = this.str(0, i32[ARG + 1]);
        const arg = this.str(i32[ARG + 1], i32[ARG + 2]);
        return then(control(name, arg), (out) => {
          this.sendLong(encoder.encode(out));
          return 0;
        });
      }
      case Op.CLOCK_NOW: {
        const clock = this.world.clock;
        if (clock === undefined) return Errno.NOSYS;
        return then(clock.now(a0 as 0), (t) => {
          this.v.i64[I64] = t;
          return 0;
        });
      }
      case Op.CLOCK_SLEEP: {
        const clock = this.world.clock;
        if (clock === undefined) return Errno.NOSYS;
        return then(clock.sleepUntil(this.v.i64[I64]), () => 0);
      }
      case Op.RANDOM_FILL: {
        const random = this.world.random;
        if (random === undefined) return Errno.NOSYS;
        return then(random.fill(this.v.data, 0, i32[ARG + 1]), () => 0);
      }
      default:
        break;
    }
    if (op >= Op.STREAM_READ && op <= Op.STREAM_CLOSE) return this.stream(op, a0);
    const s = this.fsOf(a0);
    if (s === undefined) return Errno.BADF;
    return this.fsCall(op, s);
  }

  private stream(op: number, id: number): MaybePromise<number> {
    const i32 = this.v.i32;
    const stream = this.world.streams[id];
    if (stream === undefined) return -Errno.BADF;
    switch (op) {
      case Op.STREAM_READ:
        return stream.read(this.v.data, 0, i32[ARG + 1]);
      case Op.STREAM_WRITE:
        return stream.write(this.v.data, 0, i32[ARG + 1]);
      case Op.STREAM_STAT:
        return then(stream.stat(this.stat), (e) => {
          this.writeStat();
          return e;
        });
      case Op.STREAM_READABLE:
        return stream.readable === undefined ? -1 : stream.readable();
      case Op.STREAM_WAIT_READABLE:
        return stream.waitReadable === undefined ? -1 : stream.waitReadable(this.v.i64[I64]);
      case Op.STREAM_CLOSE:
        if (stream.close !== undefined) return then(stream.close(), () => 0);
        return 0;
      default:
        return Errno.NOSYS;
    }
  }

  private fsCall(op: number, s: Served): MaybePromise<number> {
    const i32 = this.v.i32;
    const f64 = this.v.f64;
    const { fs, h } = s;
    switch (op) {
      case Op.STAT_AT:
        return then(fs.statAt(h, this.str(0, i32[ARG + 1]), this.stat), (e) => {
          if (e === Errno.SUCCESS) this.writeStat();
          return e;
        });
      case Op.OPEN_AT:
        return then(fs.openAt(h, this.str(0, i32[ARG + 1]), i32[ARG + 2], this.ref), (e) => this.opened(fs, e));
      case Op.OPEN_DIR_PATH: {
        const names = this.str(0, i32[ARG + 1]).split('/');
        if (fs.openDirPath !== undefined) {
          return then(fs.openDirPath(h, names, names.length, this.ref), (e) => this.opened(fs, e === Errno.SUCCESS ? e : DECLINED));
        }
        return then(this.descend(fs, h, names, names.length, OpenFlags.READ | OpenFlags.DIRECTORY), (e) => this.opened(fs, e));
      }
      case Op.OPEN_PATH: {
        const path = this.str(0, i32[ARG + 1]);
        const flags = i32[ARG + 2];
        // An open that creates or truncates: only through the backend's own `openPathCreating` (never `openPath`,
        // which does not take them) or `openAt` name by name. Not tried when no handle could be issued for the
        // result: a file made by CREATE|EXCL and then refused here would make the client's walk say EEXIST.
        const creating = (flags & (OpenFlags.CREATE | OpenFlags.TRUNC)) !== 0;
        if (creating && (this.closed || this.live >= this.maxHandles)) return DECLINED;
        const fast = creating ? fs.openPathCreating : fs.openPath;
        if (fast !== undefined) {
          return then(fast.call(fs, h, path, flags, this.ref), (e) => {
            if (e === Errno.SUCCESS) return this.opened(fs, e);
            return this.openPathByName(fs, h, path, flags);
          });
        }
        return this.openPathByName(fs, h, path, flags);
      }
      case Op.REVALIDATE:
        return fs.revalidate === undefined ? Errno.SUCCESS : fs.revalidate(h);
      case Op.READLINK_AT:
        return then(fs.readlinkAt(h, this.str(0, i32[ARG + 1]), this.strRef), (e) => {
          if (e === Errno.SUCCESS) this.sendLong(encoder.encode(this.strRef.value));
          return e;
        });
      case Op.MKDIR_AT:
        return fs.mkdirAt(h, this.str(0, i32[ARG + 1]));
      case Op.SYMLINK_AT: {
        const tlen = i32[ARG + 1];
        return fs.symlinkAt(this.str(0, tlen), h, this.str(tlen, i32[ARG + 2]));
      }
      case Op.UNLINK_AT:
        return fs.unlinkAt(h, this.str(0, i32[ARG + 1]));
      case Op.RMDIR_AT:
        return fs.rmdirAt(h, this.str(0, i32[ARG + 1]));
      case Op.RENAME_AT:
      case Op.LINK_AT: {
        const other = this.fsOf(i32[ARG + 1]);
        if (other === undefined) return Errno.BADF;
        if (other.fs !== fs) return Errno.XDEV;
        const l1 = i32[ARG + 2];
        const n1 = this.str(0, l1);
        const n2 = this.str(l1, i32[ARG + 3]);
        return op === Op.RENAME_AT ? fs.renameAt(h, n1, other.h, n2) : fs.linkAt(h, n1, other.h, n2);
      }
      case Op.SET_TIMES_AT: {
        const which = i32[ARG + 2];
        return fs.setTimesAt(h, this.str(0, i32[ARG + 1]), which & TIME_ATIM ? this.v.i64[I64_ATIM] : null, which & TIME_MTIM ? this.v.i64[I64_MTIM] : null);
      }
      case Op.STAT:
        return then(fs.stat(h, this.stat), (e) => {
          if (e === Errno.SUCCESS) this.writeStat();
          return e;
        });
      case Op.READ:
        return fs.read(h, this.v.data, 0, i32[ARG + 1], f64[F64]);
      case Op.WRITE:
        return fs.write(h, this.v.data, 0, i32[ARG + 1], f64[F64]);
      case Op.TRUNCATE:
        return fs.truncate(h, f64[F64]);
      case Op.SET_TIMES: {
        const which = i32[ARG + 1];
        return fs.setTimes(h, which & TIME_ATIM ? this.v.i64[I64_ATIM] : null, which & TIME_MTIM ? this.v.i64[I64_MTIM] : null);
      }
      case Op.SYNC:
        return fs.sync(h, i32[ARG + 1] !== 0);
      case Op.ALLOCATE:
        return fs.allocate(h, f64[F64], f64[F64 + 1]);
      case Op.READDIR: {
        const entries = this.entries;
        return then(fs.readdir(h, entries), (e) => {
          if (e === Errno.SUCCESS) this.sendLong(encodeEntries(entries));
          entries.length = 0;
          return e;
        });
      }
      case Op.CLOSE:
        this.release(i32[ARG]);
        return 0;
      default:
        return Errno.NOSYS;
    }
  }

  /**
   * `openPath` for a backend without one (or that declined): the same walk the client would do, on this side,
   * in one round-trip. `openAt` never follows a symlink (ELOOP), so a success vouches that none was crossed, as
   * the fast path requires; any failure is DECLINED and the client's walker finds the right errno.
   */
  private openPathByName(fs: AsyncFileSystem, h: FsHandle, path: string, flags: number): MaybePromise<number> {
    const names = path.split('/');
    const last = names.length - 1;
    if (last === 0) return then(fs.openAt(h, names[0], flags, this.ref), (e) => this.opened(fs, e === Errno.SUCCESS ? e : DECLINED));
    return then(this.descend(fs, h, names, last, OpenFlags.READ | OpenFlags.DIRECTORY), (e) => {
      if (e !== Errno.SUCCESS) return e;
      const dir = this.ref.value as FsHandle;
      this.ref.value = null;
      return then(fs.openAt(dir, names[last], flags, this.ref), (e2) => {
        const closed = fs.close(dir);
        const result = this.opened(fs, e2 === Errno.SUCCESS ? e2 : DECLINED);
        return isPromiseLike(closed) ? closed.then(() => result, () => result) : result;
      });
    });
  }

  /**
   * Opens `names[0..count)` as directories one after the other from `h`, leaving the last in `this.ref`.
   * DECLINED on any failure (intermediate handles closed).
   */
  private descend(fs: AsyncFileSystem, h: FsHandle, names: string[], count: number, flags: number): MaybePromise<number> {
    const ref = this.ref;
    const step = (dir: FsHandle, i: number, owned: boolean): MaybePromise<number> => {
      const r = fs.openAt(dir, names[i], flags, ref);
      return then(r, (e) => {
        const next = ref.value;
        ref.value = null;
        const closed = owned ? fs.close(dir) : undefined;
        const go = (): MaybePromise<number> => {
          if (e !== Errno.SUCCESS || fs.typeOf(next as FsHandle) !== Filetype.DIRECTORY) {
            if (e === Errno.SUCCESS) fs.close(next as FsHandle);
            return DECLINED;
          }
          if (i + 1 === count) {
            ref.value = next;
            return Errno.SUCCESS;
          }
          return step(next as FsHandle, i + 1, true);
        };
        return isPromiseLike(closed) ? closed.then(go, go) : go();
      });
    };
    return count === 0 ? DECLINED : step(h, 0, false);
  }
}

function noop(): void {}

/** Live servers on this thread: only a sole one polls (see `ChannelServerOptions.spinMs`). */
let liveServers = 0;
/**
 * A pending Atomics.waitAsync does not keep an event loop alive: a thread whose only work is serving (a worker
 * that serves providers) would otherwise exit under its client. One idle timer per thread while any server is
 * live keeps it (one per server was a timer made and cleared per pooled run).
 */
let keepAlive: ReturnType<typeof setInterval> | undefined;

/** Longest stretch a polling server keeps the thread before it lets the event loop turn, ms. */
const MAX_TURN_MS = 2;

declare function setImmediate(f: () => void): unknown;
declare class MessageChannel {
  port1: { onmessage: (() => void) | null; close(): void };
  port2: { postMessage(m: unknown): void };
}

/** Lets the event loop run its timers and I/O once (Node: setImmediate; browsers: a message to self). */
function turnEventLoop(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve);
      return;
    }
    const c = new MessageChannel();
    c.port1.onmessage = () => {
      c.port1.close();
      resolve();
    };
    c.port2.postMessage(0);
  });
}

/** `f(value)` now when `value` is ready, else when it settles (a rejection becomes EIO). */
function then<T>(value: MaybePromise<T>, f: (v: T) => MaybePromise<number>): MaybePromise<number> {
  if (!isPromiseLike(value)) return f(value);
  return value.then(f, () => Errno.IO);
}

function safeClose(s: Served): Promise<unknown> | undefined {
  try {
    const r = s.fs.close(s.h);
    return isPromiseLike(r) ? r.then(undefined, () => undefined) : undefined;
  } catch {
    return undefined;
  }
}

/** A listing as bytes: per entry, ino (8, LE), filetype (1), name length (4, LE), name (UTF-8). */
export function encodeEntries(entries: readonly DirEntry[]): Uint8Array {
  const names = entries.map((e) => encoder.encode(e.name));
  let size = 0;
  for (const n of names) size += 13 + n.length;
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  let at = 0;
  for (let i = 0; i < entries.length; i++) {
    dv.setBigUint64(at, entries[i].ino, true);
    out[at + 8] = entries[i].filetype;
    dv.setUint32(at + 9, names[i].length, true);
    out.set(names[i], at + 13);
    at += 13 + names[i].length;
  }
  return out;
}
