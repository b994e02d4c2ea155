import { SystemClock } from './system-clock';
import type { Clockid } from '@vos/core';

const REALTIME = 0;
const MONOTONIC = 1;
const PROCESS_CPUTIME_ID = 2;
const THREAD_CPUTIME_ID = 3;

describe('SystemClock', () => {
  const clock = new SystemClock();

  test('monotonic never decreases over 10k reads', () => {
    let prev = clock.now(MONOTONIC);
    for (let i = 0; i < 10_000; i++) {
      const t = clock.now(MONOTONIC);
      expect(t >= prev).toBe(true);
      prev = t;
    }
  });

  test('realtime is within 50 ms of Date.now()', () => {
    // Date.now() read on both sides: a loaded machine may deschedule the test between two reads, which says
    // nothing about the clock.
    const before = Date.now();
    const realMs = Number(clock.now(REALTIME) / 1_000_000n);
    const after = Date.now();
    expect(realMs).toBeGreaterThan(before - 50);
    expect(realMs).toBeLessThan(after + 50);
  });

  test('realtime never decreases and has sub-µs steps', () => {
    let prev = clock.now(REALTIME);
    let subMicro = false;
    for (let i = 0; i < 10_000; i++) {
      const t = clock.now(REALTIME);
      expect(t >= prev).toBe(true);
      if (t % 1000n !== 0n) subMicro = true;
      prev = t;
    }
    expect(subMicro).toBe(true);
  });

  test('CPU clocks advance with work and report µs-derived ns', () => {
    const before = clock.now(PROCESS_CPUTIME_ID);
    const until = Date.now() + 20;
    let x = 0;
    while (Date.now() < until) x += Math.sqrt(x + 1);
    expect(x).toBeGreaterThan(0);
    const after = clock.now(PROCESS_CPUTIME_ID);
    expect(after > before).toBe(true);
    expect(after % 1000n).toBe(0n);
    expect(clock.now(THREAD_CPUTIME_ID) >= after).toBe(true);
  });

  test('resolutions are honest and unknown ids are unsupported', () => {
    expect(clock.resolution(REALTIME)).toBe(1000n);
    expect(clock.resolution(MONOTONIC)).toBe(1n);
    expect(clock.resolution(PROCESS_CPUTIME_ID)).toBe(1000n);
    expect(clock.resolution(THREAD_CPUTIME_ID)).toBe(1000n);
    expect(clock.resolution(4 as Clockid)).toBe(0n);
    expect(clock.resolution(-1 as Clockid)).toBe(0n);
  });

  // Long enough that the process's other threads (GC, jest's workers on a loaded 2-core machine) cannot make a
  // real sleep look like a spin: a busy loop would cost ~100% of the wall time, a sleep close to nothing.
  test('sleepUntil 300 ms sleeps at least 300 ms without burning CPU', () => {
    const cpuBefore = process.cpuUsage();
    const start = process.hrtime.bigint();
    clock.sleepUntil(clock.now(MONOTONIC) + 300_000_000n);
    const wallNs = process.hrtime.bigint() - start;
    const cpu = process.cpuUsage(cpuBefore);
    expect(wallNs >= 300_000_000n).toBe(true);
    const cpuNs = (cpu.user + cpu.system) * 1000;
    expect(cpuNs).toBeLessThan(Number(wallNs) / 2);
  });

  test('sleepUntil a past deadline returns at once', () => {
    const start = process.hrtime.bigint();
    clock.sleepUntil(clock.now(MONOTONIC) - 1_000_000_000n);
    expect(process.hrtime.bigint() - start < 5_000_000n).toBe(true);
  });
});

describe('SystemClock after the wall clock was stepped', () => {
  // Regression: realtime was anchored on performance.timeOrigin, read once at process start, and came out 10 s
  // behind the wall clock after the host's clock had been stepped during a long test run.
  test('realtime follows Date.now(), not the stale time origin', () => {
    const stepped = Date.now() + 10_000;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(stepped);
    try {
      const realMs = Number(new SystemClock().now(0) / 1_000_000n);
      expect(Math.abs(realMs - stepped)).toBeLessThan(5);
    } finally {
      spy.mockRestore();
    }
  });

  test('a clock made after the step anchors anew; one anchored before keeps its own offset (no jump)', () => {
    const before = new SystemClock();
    const beforeMs = Number(before.now(0) / 1_000_000n);
    const stepped = Date.now() + 10_000;
    const spy = jest.spyOn(Date, 'now').mockReturnValue(stepped);
    try {
      const after = new SystemClock();
      expect(Math.abs(Number(after.now(0) / 1_000_000n) - stepped)).toBeLessThan(5);
      expect(Number(before.now(0) / 1_000_000n) - beforeMs).toBeLessThan(1000);
    } finally {
      spy.mockRestore();
    }
    // The step is undone: the next clock anchors on the real wall clock again.
    expect(Math.abs(Number(new SystemClock().now(0) / 1_000_000n) - Date.now())).toBeLessThan(50);
  });
});
