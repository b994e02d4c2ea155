export { SystemClock } from './system-clock';
export { FakeClock, type FakeClockOptions } from './fake-clock';
export { DEFAULT_EPOCH_NS, toEpochNs, type TimeInput } from './time-input';
