import { Errno } from '../abi/errno';
import { Clockid, Eventrwflags, Eventtype, Rights, Subclockflags, SUBCLOCKFLAGS_ALL } from '../abi/constants';
import type { SyscallContext } from '../context';
import { FdKind, type StreamFd } from '../fdtable';
import { READABLE_EOF, type Stream } from '../providers/stdio';

/** Slice of real time given to each not-ready stream in turn when several are waited for at once. */
const MULTI_STREAM_SLICE_NS = 10_000_000n;
/** Largest time a WASI timestamp (u64 ns) can hold: deadlines saturate here. */
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/**
 * poll_oneoff (errors of the call: EINVAL for zero subscriptions, an undefined tag, clock flag or clock id, or a
 * CPU-time clock, as wasmtime; EFAULT for out-of-range arrays; everything else is an error *event*):
 *
 * - fd_write is ready at once; fd_read on a file is ready at once with nbytes = what is left to read; fd_read on
 *   a stream asks `readable()`: > 0 or unknown is ready, 0 is not ready yet, end of input is ready with
 *   FD_READWRITE_HANGUP set (nbytes 0), so a guest can tell a closed stdin from one with data. An fd that is not open,
 *   or lacks the poll right, or is a directory gives an event with that error (wasmtime), not a failed call.
 * - When nothing is ready: with not-ready streams, wait for them (`waitReadable`, real time, bounded by the
 *   earliest clock deadline); then sleep on the injected clock until that deadline (a fake clock jumps there
 *   at once, a real one sleeps without spinning). Without any clock subscription a stream that cannot wait is
 *   reported ready rather than spun on: the guest's read then blocks, as with wasmtime's blocking streams.
 * - Deadlines live on the monotonic clock. An absolute realtime deadline is converted with one realtime reading,
 *   taken once per call; an absolute deadline in the past fires at once.
 */
export function poll_oneoff(ctx: SyscallContext, inPtr: number, outPtr: number, nsubs: number, neventsOut: number): Errno {
  if (nsubs === 0) return Errno.INVAL;
  const S = ctx.layout.subscription;
  const E = ctx.layout.event;
  const view = ctx.mem.view;
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
  let waiting: Stream | null = null;
  for (let i = 0; i < nsubs; i++) {
    const sub = inPtr + i * S.size;
    const tag = view.getUint8(sub + S.tag);
    if (tag === Eventtype.CLOCK) {
      const deadline = clockDeadline(ctx, sub, now, realtimeOffset);
      if (earliest < 0n || deadline < earliest) earliest = deadline;
    } else if (answerFd(ctx, sub, tag, outPtr + nevents * E.size, false)) {
      nevents++;
    } else {
      pending++;
      waiting = pendingStream(ctx, sub);
    }
  }

  if (nevents === 0 && pending > 0) {
    if (pending === 1) {
      // The common case (a guest polling stdin, maybe with a timeout): one wait, bounded by the deadline.
      waiting?.waitReadable?.(earliest < 0n ? -1n : earliest > now ? earliest - now : 0n);
    } else {
      waitForStreams(ctx, inPtr, nsubs, earliest, now);
    }
    // Every fd subscription was a pending stream. Report those now ready; with no clock to end the wait,
    // report them all rather than return no event (the guest would spin on poll).
    const force = earliest < 0n;
    for (let i = 0; i < nsubs; i++) {
      const sub = inPtr + i * S.size;
      const tag = view.getUint8(sub + S.tag);
      if (tag !== Eventtype.CLOCK && answerFd(ctx, sub, tag, outPtr + nevents * E.size, force)) nevents++;
    }
  }
  if (nevents === 0 && earliest > now) clock.sleepUntil(earliest);
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
  // Saturating: a relative timeout of 2^64-1 is "never", not a deadline that wraps past the clock's range.
  if ((view.getUint16(sub + S.flags, true) & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) === 0) {
    const deadline = now + timeout;
    return deadline > U64_MAX ? U64_MAX : deadline;
  }
  if (view.getUint32(sub + S.clockId, true) === Clockid.MONOTONIC) return timeout;
  // A realtime deadline long past can land before monotonic 0: clamp, it is due either way (and -1n means none).
  const deadline = timeout - realtimeOffset;
  return deadline > 0n ? (deadline > U64_MAX ? U64_MAX : deadline) : 0n;
}

/**
 * Writes the event of an fd subscription at `ev` if it is ready (or `force`d), and says whether it did.
 * Not ready is only ever an fd_read on a stream whose `readable()` is 0.
 */
function answerFd(ctx: SyscallContext, sub: number, tag: number, ev: number, force: boolean): boolean {
  const fd = ctx.mem.view.getUint32(sub + ctx.layout.subscription.fd, true);
  const entry = ctx.fds.get(fd, Rights.POLL_FD_READWRITE);
  if (typeof entry === 'number') {
    writeEvent(ctx, ev, sub, entry, tag, 0n);
    return true;
  }
  if (entry.kind === FdKind.Directory) {
    writeEvent(ctx, ev, sub, Errno.BADF, tag, 0n);
    return true;
  }
  let nbytes = 0n;
  if (tag !== Eventtype.FD_READ) {
    // fd_write is always ready
  } else if (entry.kind === FdKind.File) {
    const e = entry.fs.stat(entry.handle, ctx.stat);
    if (e !== Errno.SUCCESS) {
      writeEvent(ctx, ev, sub, e, tag, 0n);
      return true;
    }
    const pos = BigInt(entry.position < 0 ? Number(ctx.stat.size) : entry.position);
    nbytes = ctx.stat.size > pos ? ctx.stat.size - pos : 0n;
  } else {
    const n = entry.stream.readable?.() ?? -1;
    if (n === 0 && !force) return false;
    if (n > 0) nbytes = BigInt(n);
    writeEvent(ctx, ev, sub, Errno.SUCCESS, tag, nbytes);
    if (n === READABLE_EOF) ctx.mem.view.setUint16(ev + ctx.layout.event.flags, Eventrwflags.FD_READWRITE_HANGUP, true);
    return true;
  }
  writeEvent(ctx, ev, sub, Errno.SUCCESS, tag, nbytes);
  return true;
}

/** The stream of an fd_read subscription that `answerFd` left pending (only streams are ever pending). */
function pendingStream(ctx: SyscallContext, sub: number): Stream {
  return (ctx.fds.peek(ctx.mem.view.getUint32(sub + ctx.layout.subscription.fd, true)) as StreamFd).stream;
}

/**
 * Several not-ready streams: each waits in turn for a short slice of real time (no spinning), until one is
 * readable or `earliest - now` ns have been given (monotonic; earliest -1n = no limit). Streams without `waitReadable` are skipped; if no
 * stream can wait, the clock sleep that follows (or the forced report) takes over.
 */
function waitForStreams(ctx: SyscallContext, inPtr: number, nsubs: number, earliest: bigint, now: bigint): void {
  const S = ctx.layout.subscription;
  const view = ctx.mem.view;
  // Budget in real ns, counted down by the slices given rather than read from the clock: a fake clock does not
  // move while we wait for a real stream, and the core reads no host time of its own.
  let budget = earliest < 0n ? -1n : earliest > now ? earliest - now : 0n;
  for (;;) {
    let anyWaitable = false;
    for (let i = 0; i < nsubs; i++) {
      const sub = inPtr + i * S.size;
      if (view.getUint8(sub + S.tag) === Eventtype.CLOCK) continue;
      const stream = pendingStream(ctx, sub);
      if (stream.waitReadable === undefined) continue;
      anyWaitable = true;
      let slice = MULTI_STREAM_SLICE_NS;
      if (budget >= 0n) {
        if (budget === 0n) return;
        if (budget < slice) slice = budget;
        budget -= slice;
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
