import { AdaptiveSpin, defaultMaxSpinMs, DEFAULT_MAX_SPIN_MS, spinUntilEqual, spinWhileEqual } from './spin';

const MAX = 0.05;

test('no polling before a wait has been seen, nor on one core', () => {
  expect(new AdaptiveSpin(MAX).next()).toBe(0);
  expect(defaultMaxSpinMs(1)).toBe(0);
  expect(defaultMaxSpinMs(2)).toBe(DEFAULT_MAX_SPIN_MS);
  expect(() => new AdaptiveSpin(-1)).toThrow(RangeError);
  expect(() => new AdaptiveSpin(Number.NaN)).toThrow(RangeError);
});

test('a short gap turns polling on, bounded by max; a long gap turns it off', () => {
  const s = new AdaptiveSpin(MAX);
  s.record(0.03);
  expect(s.next()).toBe(MAX);
  for (let i = 0; i < 20; i++) s.record(0.001);
  const small = s.next();
  expect(small).toBeGreaterThan(0);
  expect(small).toBeLessThan(MAX);
  s.record(5);
  expect(s.next()).toBe(0);
  s.record(0.02);
  expect(s.next()).toBeGreaterThan(0);
});

test('polls that run out skip 2, 4, 8 ... waits (at most 256), and one answered poll ends that', () => {
  const s = new AdaptiveSpin(MAX);
  s.record(0.01);
  const skipped = (): number => {
    let n = 0;
    while (s.next() === 0) n++;
    return n;
  };
  s.polled(false);
  expect(skipped()).toBe(2);
  s.polled(false);
  expect(skipped()).toBe(4);
  s.polled(false);
  expect(skipped()).toBe(8);
  for (let i = 0; i < 10; i++) {
    s.polled(false);
    skipped();
  }
  s.polled(false);
  expect(skipped()).toBe(256);
  s.polled(true);
  s.polled(false);
  expect(skipped()).toBe(2);
});

test('the pollers see a value that is already there, and give up after their limit', () => {
  const i32 = new Int32Array(new SharedArrayBuffer(8));
  expect(spinWhileEqual(i32, 0, 1, 0.01)).toBe(true);
  expect(spinWhileEqual(i32, 0, 0, 0.01)).toBe(false);
  expect(spinUntilEqual(i32, 0, 0, 0.01)).toBe(true);
  expect(spinUntilEqual(i32, 0, 1, 0.01)).toBe(false);
});
