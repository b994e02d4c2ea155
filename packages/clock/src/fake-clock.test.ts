import { FakeClock } from './fake-clock';
import { DEFAULT_EPOCH_NS, toEpochNs } from './time-input';
import type { Clockid } from '@vos/core';

const REALTIME = 0 as Clockid;
const MONOTONIC = 1 as Clockid;
const PROCESS = 2 as Clockid;
const THREAD = 3 as Clockid;
const S = 1_000_000_000n;

describe('FakeClock', () => {
  test('starts at 2000-01-01T00:00:00Z with monotonic 0 by default', () => {
    const c = new FakeClock();
    expect(DEFAULT_EPOCH_NS).toBe(BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n);
    expect(c.now(REALTIME)).toBe(DEFAULT_EPOCH_NS);
    expect(c.now(MONOTONIC)).toBe(0n);
    expect(c.date.toISOString()).toBe('2000-01-01T00:00:00.000Z');
  });

  test('takes the start as a Date, an ISO string (ns kept) or ns', () => {
    expect(new FakeClock(new Date('2024-02-29T12:00:00Z')).now(REALTIME)).toBe(1_709_208_000n * S);
    expect(new FakeClock('2024-02-29T12:00:00.123456789Z').now(REALTIME)).toBe(1_709_208_000n * S + 123_456_789n);
    expect(new FakeClock({ start: 5n }).now(REALTIME)).toBe(5n);
    expect(toEpochNs('1969-12-31T23:59:59.9995Z')).toBe(-500_000n);
    expect(() => new FakeClock('not a date')).toThrow(TypeError);
  });

  test('advance moves realtime and monotonic together', () => {
    const c = new FakeClock({ start: 100n * S, monotonicStart: 7n });
    c.advance(3600n * S);
    expect(c.now(MONOTONIC)).toBe(7n + 3600n * S);
    expect(c.now(REALTIME)).toBe(3700n * S);
    expect(() => c.advance(-1n)).toThrow(RangeError);
  });

  test('setting realtime back never makes monotonic go back', () => {
    const c = new FakeClock();
    c.advance(10n * S);
    const mono = c.now(MONOTONIC);
    c.set('1990-01-01T00:00:00Z');
    expect(c.now(REALTIME)).toBe(BigInt(Date.UTC(1990, 0, 1)) * 1_000_000n);
    expect(c.now(MONOTONIC)).toBe(mono);
    c.advance(1n);
    expect(c.now(MONOTONIC)).toBe(mono + 1n);
    expect(c.now(REALTIME)).toBe(BigInt(Date.UTC(1990, 0, 1)) * 1_000_000n + 1n);
  });

  test('sleepUntil jumps to the deadline at once and ignores past deadlines', () => {
    const c = new FakeClock();
    const start = Date.now();
    c.sleepUntil(3600n * S);
    expect(Date.now() - start).toBeLessThan(50);
    expect(c.now(MONOTONIC)).toBe(3600n * S);
    expect(c.now(REALTIME)).toBe(DEFAULT_EPOCH_NS + 3600n * S);
    c.sleepUntil(S);
    expect(c.now(MONOTONIC)).toBe(3600n * S);
  });

  test('auto-advance steps every read, after the read', () => {
    const c = new FakeClock({ autoAdvance: 1000n });
    expect(c.now(MONOTONIC)).toBe(0n);
    expect(c.now(MONOTONIC)).toBe(1000n);
    expect(c.now(REALTIME)).toBe(DEFAULT_EPOCH_NS + 2000n);
    expect(c.monotonicNs).toBe(3000n);
  });

  test('CPU clocks count running time (advance, auto-advance), not sleeps', () => {
    const c = new FakeClock({ autoAdvance: 10n });
    expect(c.now(PROCESS)).toBe(0n);
    c.sleepUntil(S);
    c.advance(5n);
    expect(c.now(THREAD)).toBe(15n);
    expect(c.now(PROCESS)).toBe(25n);
  });

  test('resolution is 1 ns for the four clocks, unsupported otherwise', () => {
    const c = new FakeClock();
    for (const id of [REALTIME, MONOTONIC, PROCESS, THREAD]) expect(c.resolution(id)).toBe(1n);
    expect(c.resolution(4 as Clockid)).toBe(0n);
    expect(c.now(4 as Clockid)).toBe(0n);
  });
});
