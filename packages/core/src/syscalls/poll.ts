import { Errno } from '../abi/errno';
import { Clockid, Eventtype, Rights, Subclockflags, SUBCLOCKFLAGS_ALL } from '../abi/constants';
import type { SyscallContext } from '../context';
import { FdKind } from '../fdtable';
import type { FileSystem, FsHandle } from '../providers/fs';

/**
 * poll_oneoff: fd subscriptions are answered at once (files are always ready; streams ask the provider how much
 * is readable), an fd that is not open gives an error *event* rather than a failed call (wasmtime), and when no
 * fd is ready the call sleeps until the earliest clock deadline, through the injected clock (a fake clock
 * advances instead of sleeping). Zero subscriptions is EINVAL.
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
  // First pass: validate and answer fd subscriptions; find the earliest clock deadline (monotonic ns).
  let nevents = 0;
  let earliest = -1n;
  const now = clock.now(Clockid.MONOTONIC);
  for (let i = 0; i < nsubs; i++) {
    const sub = inPtr + i * S.size;
    const tag = view.getUint8(sub + S.tag);
    if (tag > Eventtype.FD_WRITE) return Errno.INVAL;
    if (tag !== Eventtype.CLOCK) continue;
    const id = view.getUint32(sub + S.clockId, true);
    const flags = view.getUint16(sub + S.flags, true);
    // Only realtime and monotonic deadlines can be waited for (as wasmtime): CPU-time clocks are EINVAL.
    if (flags & ~SUBCLOCKFLAGS_ALL || id > Clockid.MONOTONIC) return Errno.INVAL;
  }
  for (let i = 0; i < nsubs; i++) {
    const sub = inPtr + i * S.size;
    const tag = view.getUint8(sub + S.tag);
    if (tag === Eventtype.CLOCK) {
      const id = view.getUint32(sub + S.clockId, true) as Clockid;
      const timeout = view.getBigUint64(sub + S.timeout, true);
      const abs = (view.getUint16(sub + S.flags, true) & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
      // Deadlines are kept on the monotonic clock; an absolute time on another clock is converted once.
      const deadline = abs ? (id === Clockid.MONOTONIC ? timeout : now + (timeout - clock.now(id))) : now + timeout;
      if (earliest < 0n || deadline < earliest) earliest = deadline;
      continue;
    }
    const fd = view.getUint32(sub + S.fd, true);
    const entry = ctx.fds.get(fd, Rights.POLL_FD_READWRITE);
    let errno: Errno = Errno.SUCCESS;
    let nbytes = 0n;
    if (typeof entry === 'number') errno = entry;
    else if (entry.kind === FdKind.Directory) errno = Errno.BADF;
    else if (tag === Eventtype.FD_READ) {
      if (entry.kind === FdKind.File) {
        const e = (entry.fs as FileSystem).stat(entry.handle as FsHandle, ctx.stat);
        if (e !== Errno.SUCCESS) errno = e;
        else {
          const pos = BigInt(entry.position < 0 ? Number(ctx.stat.size) : entry.position);
          nbytes = ctx.stat.size > pos ? ctx.stat.size - pos : 0n;
        }
      } else {
        const n = entry.stream!.readable?.() ?? -1;
        nbytes = n > 0 ? BigInt(n) : 0n;
      }
    }
    writeEvent(ctx, outPtr + nevents * E.size, sub, errno, tag, nbytes);
    nevents++;
  }
  if (nevents === 0 && earliest >= 0n) {
    if (earliest > now) clock.sleepUntil(earliest);
  }
  if (nevents === 0 || earliest >= 0n) {
    const after = clock.now(Clockid.MONOTONIC);
    for (let i = 0; i < nsubs; i++) {
      const sub = inPtr + i * S.size;
      if (view.getUint8(sub + S.tag) !== Eventtype.CLOCK) continue;
      const id = view.getUint32(sub + S.clockId, true) as Clockid;
      const timeout = view.getBigUint64(sub + S.timeout, true);
      const abs = (view.getUint16(sub + S.flags, true) & Subclockflags.SUBSCRIPTION_CLOCK_ABSTIME) !== 0;
      const deadline = abs ? (id === Clockid.MONOTONIC ? timeout : now + (timeout - clock.now(id))) : now + timeout;
      if (deadline <= after) {
        writeEvent(ctx, outPtr + nevents * E.size, sub, Errno.SUCCESS, Eventtype.CLOCK, 0n);
        nevents++;
      }
    }
  }
  mem.view.setUint32(neventsOut, nevents, true);
  return Errno.SUCCESS;
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
