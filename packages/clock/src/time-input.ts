/** A point in wall-clock time as a host writes it: a Date, an ISO 8601 string, or ns since the Unix epoch. */
export type TimeInput = Date | string | bigint;

/** `2000-01-01T00:00:00Z`, the default start of a `FakeClock`: fixed, so runs are reproducible. */
export const DEFAULT_EPOCH_NS = 946_684_800_000_000_000n;

// The sub-millisecond digits of an ISO string (`.123456789`), which Date.parse would drop.
const FRACTION = /\.(\d+)/;

/**
 * ns since the Unix epoch. ISO strings keep their full fraction (up to ns; Date.parse alone would stop at ms).
 * Throws a TypeError for an invalid date: this is host configuration, checked once at construction.
 */
export function toEpochNs(input: TimeInput): bigint {
  if (typeof input === 'bigint') return input;
  if (input instanceof Date) {
    const ms = input.getTime();
    if (Number.isNaN(ms)) throw new TypeError('vos: invalid Date');
    return BigInt(ms) * 1_000_000n;
  }
  if (typeof input === 'string') {
    const ms = Date.parse(input);
    if (Number.isNaN(ms)) throw new TypeError(`vos: invalid ISO date ${JSON.stringify(input)}`);
    const fraction = FRACTION.exec(input);
    if (fraction === null) return BigInt(ms) * 1_000_000n;
    // Date.parse truncated the fraction to whole ms; add back the digits below the ms (towards +infinity in time,
    // Date.parse floors, so ms already holds the ms part for both signs).
    const digits = (fraction[1] + '000000000').slice(0, 9);
    return BigInt(ms) * 1_000_000n + BigInt(digits.slice(3));
  }
  throw new TypeError('vos: a time must be a Date, an ISO string or a bigint of ns');
}
