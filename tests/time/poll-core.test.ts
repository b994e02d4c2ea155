/**
 * poll_oneoff against the core directly, with a FakeClock and scripted streams: any number of subscriptions,
 * relative and absolute deadlines, stream readiness (ready, not ready, becoming ready), never a spin.
 */
import { Eventtype, Errno, Filetype, WasiCore, type Stream, type FileStat, type Preview1Syscalls } from '@vos/core';
import { FakeClock } from '@vos/clock';
import { BufferSource, CollectorSink, NullStream } from '@vos/stdio';

const SUBS = 1024;
const EVENTS = 32768;
const NEVENTS = 64;
const SUB_SIZE = 48;
const EVENT_SIZE = 32;
const S = 1_000_000_000n;

/** A stdin whose readiness a test scripts: `ready` bytes readable; `waitReadable` makes `afterWait` ready. */
class ScriptedStdin implements Stream {
  readonly filetype = Filetype.UNKNOWN;
  waits: bigint[] = [];
  constructor(public ready: number, private readonly afterWait: number | null) {}
  read(): number {
    return 0;
  }
  write(): number {
    return -Errno.BADF;
  }
  stat(out: FileStat): Errno {
    out.filetype = Filetype.UNKNOWN;
    return Errno.SUCCESS;
  }
  readable(): number {
    return this.ready;
  }
}
class WaitableStdin extends ScriptedStdin {
  waitReadable(timeoutNs: bigint): number {
    this.waits.push(timeoutNs);
    if (this.afterWaitValue !== null) this.ready = this.afterWaitValue;
    return this.ready;
  }
  constructor(ready: number, private readonly afterWaitValue: number | null) {
    super(ready, afterWaitValue);
  }
}

interface Sub { userdata: bigint; clock?: { id: number; timeout: bigint; abs?: boolean }; fd?: number; write?: boolean }
interface Event { userdata: bigint; error: number; type: number; nbytes: bigint }

function setup(stdin: Stream, clock = new FakeClock()) {
  const core = new WasiCore({
    args: [], env: [], preopens: [], clock, random: { fill: () => {} },
    stdio: { stdin, stdout: new CollectorSink(), stderr: new NullStream() },
  });
  const memory = new WebAssembly.Memory({ initial: 1 });
  core.bindMemory(memory);
  const sys: Preview1Syscalls = core.preview1;
  function poll(subs: Sub[]): { errno: number; events: Event[] } {
    const v = new DataView(memory.buffer);
    new Uint8Array(memory.buffer).fill(0, SUBS, SUBS + subs.length * SUB_SIZE);
    subs.forEach((s, i) => {
      const p = SUBS + i * SUB_SIZE;
      v.setBigUint64(p, s.userdata, true);
      if (s.clock) {
        v.setUint8(p + 8, Eventtype.CLOCK);
        v.setUint32(p + 16, s.clock.id, true);
        v.setBigUint64(p + 24, s.clock.timeout, true);
        v.setUint16(p + 40, s.clock.abs ? 1 : 0, true);
      } else {
        v.setUint8(p + 8, s.write ? Eventtype.FD_WRITE : Eventtype.FD_READ);
        v.setUint32(p + 16, s.fd!, true);
      }
    });
    const errno = sys.poll_oneoff(SUBS, EVENTS, subs.length, NEVENTS);
    const n = v.getUint32(NEVENTS, true);
    const events: Event[] = [];
    for (let i = 0; i < n; i++) {
      const p = EVENTS + i * EVENT_SIZE;
      events.push({ userdata: v.getBigUint64(p, true), error: v.getUint16(p + 8, true), type: v.getUint8(p + 10), nbytes: v.getBigUint64(p + 16, true) });
    }
    return { errno, events };
  }
  return { poll, clock };
}

const fdRead = (userdata: bigint, fd = 0): Sub => ({ userdata, fd });
const rel = (userdata: bigint, timeout: bigint, id = 1): Sub => ({ userdata, clock: { id, timeout } });

test('stdin with data: ready at once with nbytes; at EOF ready with 0; the clock does not move', () => {
  const { poll, clock } = setup(new BufferSource('hello'));
  expect(poll([fdRead(1n), rel(2n, S)]).events).toEqual([{ userdata: 1n, error: 0, type: Eventtype.FD_READ, nbytes: 5n }]);
  const empty = setup(new BufferSource(''));
  expect(empty.poll([fdRead(1n), rel(2n, S)]).events).toEqual([{ userdata: 1n, error: 0, type: Eventtype.FD_READ, nbytes: 0n }]);
  expect(clock.monotonicNs).toBe(0n);
});

test('stdout and stderr are write-ready; a bad fd is an error event', () => {
  const { poll } = setup(new NullStream());
  const r = poll([{ userdata: 1n, fd: 1, write: true }, { userdata: 2n, fd: 2, write: true }, fdRead(3n, 77)]);
  expect(r.errno).toBe(Errno.SUCCESS);
  expect(r.events.map((e) => [e.userdata, e.error])).toEqual([[1n, 0], [2n, 0], [3n, Errno.BADF]]);
});

test('any number of clock subscriptions: the earliest is slept to, every due one fires', () => {
  const { poll, clock } = setup(new NullStream());
  const subs = Array.from({ length: 300 }, (_, i) => rel(BigInt(i), BigInt(300 - i) * S));
  subs.push(rel(1000n, 5n * S));
  const r = poll(subs);
  expect(clock.monotonicNs).toBe(1n * S);
  expect(r.events.map((e) => e.userdata)).toEqual([299n]);
  expect(poll([rel(1n, 2n * S), rel(2n, 2n * S), rel(3n, 3n * S)]).events.map((e) => e.userdata)).toEqual([1n, 2n]);
});

test('absolute deadlines: realtime and monotonic; a past one fires at once without moving time', () => {
  const { poll, clock } = setup(new NullStream(), new FakeClock({ start: 1000n * S, monotonicStart: 50n * S }));
  expect(poll([{ userdata: 1n, clock: { id: 0, timeout: 1010n * S, abs: true } }]).events.length).toBe(1);
  expect(clock.monotonicNs).toBe(60n * S);
  expect(poll([{ userdata: 2n, clock: { id: 1, timeout: 70n * S, abs: true } }]).events.length).toBe(1);
  expect(clock.realtimeNs).toBe(1020n * S);
  expect(poll([{ userdata: 3n, clock: { id: 0, timeout: 5n, abs: true } }]).events.map((e) => e.userdata)).toEqual([3n]);
  expect(poll([{ userdata: 4n, clock: { id: 1, timeout: 0n, abs: true } }]).events.map((e) => e.userdata)).toEqual([4n]);
  expect(clock.monotonicNs).toBe(70n * S);
});

test('a stdin that is not ready and cannot wait: the clock fires after its deadline', () => {
  const stdin = new ScriptedStdin(0, null);
  const { poll, clock } = setup(stdin);
  expect(poll([fdRead(1n), rel(2n, 3n * S)]).events.map((e) => e.userdata)).toEqual([2n]);
  expect(clock.monotonicNs).toBe(3n * S);
});

test('a stdin that is not ready, with no clock: reported ready rather than spun on', () => {
  const { poll, clock } = setup(new ScriptedStdin(0, null));
  expect(poll([fdRead(1n)]).events).toEqual([{ userdata: 1n, error: 0, type: Eventtype.FD_READ, nbytes: 0n }]);
  expect(clock.monotonicNs).toBe(0n);
});

test('a stdin that becomes ready while waited for: reported, the wait bounded by the deadline', () => {
  const stdin = new WaitableStdin(0, 4);
  const { poll, clock } = setup(stdin);
  expect(poll([fdRead(1n), rel(2n, 3n * S)]).events).toEqual([{ userdata: 1n, error: 0, type: Eventtype.FD_READ, nbytes: 4n }]);
  expect(stdin.waits).toEqual([3n * S]);
  expect(clock.monotonicNs).toBe(0n);
  stdin.ready = 0;
  expect(poll([fdRead(1n)]).events[0].nbytes).toBe(4n);
  expect(stdin.waits[1]).toBe(-1n); // no clock: no limit
});

test('a waitable stdin that stays silent: the clock fires', () => {
  const stdin = new WaitableStdin(0, 0);
  const { poll, clock } = setup(stdin);
  expect(poll([fdRead(1n), rel(2n, 2n * S)]).events.map((e) => e.userdata)).toEqual([2n]);
  expect(clock.monotonicNs).toBe(2n * S);
});

test('several silent subscriptions on a waitable stdin share the deadline in slices', () => {
  const stdin = new WaitableStdin(0, 0);
  const { poll } = setup(stdin);
  expect(poll([fdRead(1n), fdRead(2n), rel(3n, 25_000_000n)]).events.map((e) => e.userdata)).toEqual([3n]);
  expect(stdin.waits.reduce((a, b) => a + b, 0n)).toBe(25_000_000n);
});

test('zero subscriptions and CPU-time clocks are EINVAL', () => {
  const { poll } = setup(new NullStream());
  expect(poll([]).errno).toBe(Errno.INVAL);
  expect(poll([rel(1n, S, 2)]).errno).toBe(Errno.INVAL);
});
