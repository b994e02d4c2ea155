import { Errno } from '../abi/errno';
import { Clockid, Eventtype, Rights, Subclockflags, SUBCLOCKFLAGS_ALL } from '../abi/constants';
import type { SyscallContext } from '../context';
import { FdKind } from '../fdtable';
import type { FileSystem, FsHandle } from '../providers/fs';
import type { Stream } from '../providers/stdio';

/** Slice of real time given to each not-ready stream in turn when several are waited for at once. */
const MULTI_STREAM_SLICE_NS = 10_000_000n;

/**
 * poll_oneoff (errors of the call: EINVAL for zero subscriptions, an undefined tag, clock flag or clock id, or a
 * CPU-time clock, as wasmtime; EFAULT for out-of-range arrays; everything else is an error *event*):
 *
 * - fd_write is ready at once; fd_read on a file is ready at once with nbytes = what is left to read; fd_read on
 *   a stream asks `readable()`: > 0 or -1 (unknown, EOF) is ready, 0 is not ready yet. An fd that is not open,
 *   or lacks the poll right, or is a directory gives an event with that error (wasmtime), not a failed call.
 * - When nothing is ready: with not-ready streams, wait for them (`waitReadable`, real time, bounded by the
 *   earliest clock deadline); then sleep on the injected clock until that deadline (a fake clock jumps there
 *   at once, a real one sleeps without spinning). Without any clock subscription a stream that cannot wait is
 *   reported ready rather than spun on: the guest's read then blocks, as with wasmtime's blocking streams.
 * - Deadlines live on the monotonic clock. An absolute realtime deadline is converted with one realtime reading,
 *   taken once per call; an absolute deadline in the past fires at once.
 */
export function poll_oneoff(ctx: SyscallContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number): Errno {
  ctx.enter();
  inPtr >>>= 0;
  outPtr >>>= 0;
  nsubs >>>= 0;
  neventsOut >>>= 0;
  if (nsubs === 0) return Errno.INVAL;
  const S = ctx.layout.subscription;
  const E = ctx.layout.event;
  const mem = ctx.mem;
  if (!mem.fits(inPtr, nsubs * S.size) || !mem.fits(outPtr, nsubs * E.size) || !mem.fits(neventsOut, 4)) {
    return Errno.FAULT;
  }
  const view = mem.view;
  const clock = ctx.clock;
  let needsRealtime = false;
  for (let i = 0; i < nsubs; i++) {
    const sub = inPtr + i * S.size;
    const tag = view.getUint8(sub + S.tag);
    if (tag > Eventtype.FD_WRITE) return Errno.INVAL;
    if (tag !== Eventtype.CLOCK) continue;
    const id = view.getUint32(sub + S.clockId, true);
    const flags = view.getUint16(sub + S.flags, true);
    // Only realtime and monotonic deadlines can be waited for (as wasmtime): CPU-time clocks are EINVAL.
    if (flags & ~SUBCLOCKFLAGS_ALL || id > Clockid.MONOTONIC) return Errno.INVAL;
    if (id === Clockid.REALTIME && flags & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) needsRealtime = true;
  }
  const now = clock.now(Clockid.MONOTONIC);
  const realtimeOffset = needsRealtime ? clock.now(Clockid.REALTIME) - now : 0n;

  // Answer fd subscriptions; find the earliest deadline and the streams that are not ready yet.
  let nevents = 0;
  let earliest = -1n;
  let pending = 0;
  let waitable: Stream | null = null;
  for (let i = 0; i < nsubs; i++) {
    const sub = inPtr + i * S.size;
    const tag = view.getUint8(sub + S.tag);
    if (tag === Eventtype.CLOCK) {
      const deadline = clockDeadline(ctx, sub, now, realtimeOffset);
      if (earliest < 0n || deadline < earliest) earliest = deadline;
      continue;
    }
    const r = fdReadiness(ctx, sub, tag, false);
    if (r === NOT_READY) {
      pending++;
      waitable = pendingStream;
      continue;
    }
    writeEvent(ctx, outPtr + nevents * E.size, sub, readyErrno, tag, readyBytes);
    nevents++;
  }

  if (nevents === 0) {
    if (pending > 0) {
      waitForStreams(ctx, inPtr, nsubs, pending, waitable, earliest, now);
      // A stream that became ready, or (no clock to wait for) every pending stream, is reported.
      const force = earliest < 0n;
      for (let i = 0; i < nsubs; i++) {
        const sub = inPtr + i * S.size;
        const tag = view.getUint8(sub + S.tag);
        if (tag !== Eventtype.FD_READ || fdReadiness(ctx, sub, tag, true) !== PENDING_STREAM) continue;
        const r = fdReadiness(ctx, sub, tag, false);
        if (r === NOT_READY && !force) continue;
        writeEvent(ctx, outPtr + nevents * E.size, sub, Errno.SUCCESS, tag, r === NOT_READY ? 0n : readyBytes);
        nevents++;
      }
    }
    if (nevents === 0 && earliest > now) clock.sleepUntil(earliest);
  }
  if (earliest >= 0n) {
    const after = clock.now(Clockid.MONOTONIC);
    for (let i = 0; i < nsubs; i++) {
      const sub = inPtr + i * S.size;
      if (view.getUint8(sub + S.tag) !== Eventtype.CLOCK) continue;
      if (clockDeadline(ctx, sub, now, realtimeOffset) <= after) {
        writeEvent(ctx, outPtr + nevents * E.size, sub, Errno.SUCCESS, Eventtype.CLOCK, 0n);
        nevents++;
      }
    }
  }
  view.setUint32(neventsOut, nevents, true);
  return Errno.SUCCESS;
}

/** Monotonic deadline of a clock subscription; `now` is monotonic at the call's start. */
function clockDeadline(ctx: SyscallContext, sub: number, now: bigint, realtimeOffset: bigint): bigint {
  const S = ctx.layout.subscription;
  const view = ctx.mem.view;
  const timeout = view.getBigUint64(sub + S.timeout, true);
  if ((view.getUint16(sub + S.flags, true) & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) === 0) return now + timeout;
  return view.getUint32(sub + S.clockId, true) === Clockid.MONOTONIC ? timeout : timeout - realtimeOffset;
}

// fdReadiness results. Its answer for a ready fd goes in these two module slots rather than a fresh object:
// poll is called in loops by event-driven guests. They are read right after the call, never across calls.
const READY = 0;
const NOT_READY = 1;
const PENDING_STREAM = 2;
let readyErrno: Errno = Errno.SUCCESS;
let readyBytes = 0n;
let pendingStream: Stream | null = null;

/**
 * Readiness of one fd subscription. With `probeOnly`, only says whether it is an fd_read on a stream
 * (PENDING_STREAM) without asking the stream, so a second pass can find the streams the first one left pending.
 */
function fdReadiness(ctx: SyscallContext, sub: number, tag: number, probeOnly: boolean): number {
  const S = ctx.layout.subscription;
  const fd = ctx.mem.view.getUint32(sub + S.fd, true);
  const entry = ctx.fds.get(fd, Rights.POLL_FD_READWRITE);
  readyErrno = Errno.SUCCESS;
  readyBytes = 0n;
  if (typeof entry === 'number') {
    readyErrno = entry;
    return probeOnly ? READY : READY;
  }
  if (entry.kind === FdKind.Directory) {
    readyErrno = Errno.BADF;
    return READY;
  }
  if (tag !== Eventtype.FD_READ) return READY;
  if (entry.kind === FdKind.File) {
    if (probeOnly) return READY;
    const e = (entry.fs as FileSystem).stat(entry.handle as FsHandle, ctx.stat);
    if (e !== Errno.SUCCESS) readyErrno = e;
    else {
      const pos = BigInt(entry.position < 0 ? Number(ctx.stat.size) : entry.position);
      readyBytes = ctx.stat.size > pos ? ctx.stat.size - pos : 0n;
    }
    return READY;
  }
  const stream = entry.stream!;
  if (probeOnly) return stream.readable === undefined ? READY : PENDING_STREAM;
  const n = stream.readable?.() ?? -1;
  if (n === 0) {
    pendingStream = stream;
    return NOT_READY;
  }
  readyBytes = n > 0 ? BigInt(n) : 0n;
  return READY;
}

/**
 * Waits (real time, no spinning) until one of the `pending` not-ready streams is readable, or until `earliest`
 * (monotonic, -1n = none) is reached. One stream waits in one call; several take turns in short slices. Streams
 * without `waitReadable` are not waited for here: the clock sleep that follows covers them.
 */
function waitForStreams(
  ctx: SyscallContext, inPtr: number, nsubs: number, pending: number, only: Stream | null, earliest: bigint, now: bigint,
): void {
  const clock = ctx.clock;
  const S = ctx.layout.subscription;
  if (pending === 1) {
    if (only === null || only.waitReadable === undefined) return;
    only.waitReadable(earliest < 0n ? -1n : earliest > now ? earliest - now : 0n);
    return;
  }
  for (;;) {
    let anyWaitable = false;
    for (let i = 0; i < nsubs; i++) {
      const sub = inPtr + i * S.size;
      const tag = ctx.mem.view.getUint8(sub + S.tag);
      if (tag !== Eventtype.FD_READ || fdReadiness(ctx, sub, tag, true) !== PENDING_STREAM) continue;
      if (fdReadiness(ctx, sub, tag, false) !== NOT_READY) return;
      const stream = pendingStream!;
      if (stream.waitReadable === undefined) continue;
      anyWaitable = true;
      let slice = MULTI_STREAM_SLICE_NS;
      if (earliest >= 0n) {
        const left = earliest - clock.now(Clockid.MONOTONIC);
        if (left <= 0n) return;
        if (left < slice) slice = left;
      }
      if (stream.waitReadable(slice) !== 0) return;
    }
    if (!anyWaitable) return;
  }
}

function writeEvent(ctx: SyscallContext, ev: number, sub: number, errno: Errno, type: number, nbytes: bigint): void {
  const E = ctx.layout.event;
  const v = ctx.mem.view;
  ctx.mem.u8.fill(0, ev, ev + E.size);
  v.setBigUint64(ev + E.userdata, v.getBigUint64(sub + ctx.layout.subscription.userdata, true), true);
  v.setUint16(ev + E.error, errno, true);
  v.setUint8(ev + E.type, type);
  if (type !== Eventtype.CLOCK) v.setBigUint64(ev + E.nbytes, nbytes, true);
}
