import { errInvalidArgType, errOutOfRange } from './errors';

/**
 * Node's `lib/internal/validators.js` checks that node:wasi uses, with the same tests and the same errors.
 * Each throws (a host error, never seen by a guest) and returns nothing. On the path of every construction and
 * start, callers test the value inline and call the validator only to throw: a function a sandbox's start runs
 * keeps its bytecode, feedback and compiled code alive for every full collection to mark (docs/decisions.md,
 * "Less JavaScript per sandbox start"), and these checks are one `typeof` each.
 */

/** Not null, not an array, typeof 'object' (functions rejected): "must be of type object". */
export function validateObject(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (value === null || Array.isArray(value) || typeof value !== 'object') {
    throw errInvalidArgType(name, 'Object', value);
  }
}

export function validateString(value: unknown, name: string): asserts value is string {
  if (typeof value !== 'string') throw errInvalidArgType(name, 'string', value);
}

/** `Array.isArray`, so array-likes and Sets are refused: "must be an instance of Array". */
export function validateArray(value: unknown, name: string): asserts value is unknown[] {
  if (!Array.isArray(value)) throw errInvalidArgType(name, 'Array', value);
}

export function validateBoolean(value: unknown, name: string): asserts value is boolean {
  if (typeof value !== 'boolean') throw errInvalidArgType(name, 'boolean', value);
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: unknown[]) => unknown {
  if (typeof value !== 'function') throw errInvalidArgType(name, 'function', value);
}

/** "must be undefined": even `null` is refused. */
export function validateUndefined(value: unknown, name: string): asserts value is undefined {
  if (value !== undefined) throw errInvalidArgType(name, 'undefined', value);
}

/** A number (TypeError otherwise), an integer, then within [min, max] (RangeError ERR_OUT_OF_RANGE). */
export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): asserts value is number {
  if (typeof value !== 'number') throw errInvalidArgType(name, 'number', value);
  if (!Number.isInteger(value)) throw errOutOfRange(name, 'an integer', value);
  if (value < min || value > max) throw errOutOfRange(name, `>= ${min} && <= ${max}`, value);
}
