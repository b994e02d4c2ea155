import { inspect } from './inspect';

/**
 * node:wasi's errors, built the way Node 20 builds them, so code that checks `err.code`, `err instanceof
 * TypeError` or the message text of `node:wasi` sees the same thing from `@vos/wasi`.
 *
 * Two families exist in Node and they look different:
 * - JS-side errors (`lib/internal/errors.js`): a TypeError/RangeError with an own enumerable `code`, and both
 *   `String(err)` and the first line of `err.stack` read `TypeError [CODE]: message`.
 * - C++-side errors (`THROW_ERR_*` in src/node_wasi.cc and `uvwasi_init` failures): a plain TypeError/Error with
 *   an own enumerable `code`, printed without the code (`TypeError: message`).
 * The message texts and the `Received ...` suffix below were checked against node v20.20 by experiment
 * (tests/api/validation.test.ts compares them side by side).
 */

export type NodeErrorClass = typeof Error | typeof TypeError | typeof RangeError;

/** A JS-side Node error: `code` own and enumerable, `[CODE]` in `toString()` and in the stack's first line. */
function jsNodeError(Base: NodeErrorClass, code: string, message: string): Error {
  const err = new Base(message);
  // Node's prepareStackTrace prints `name`, so the code is put in the name while the stack is formatted
  // (V8 formats `stack` lazily, on first read) and taken out again: the old `addCodeToName` trick of Node.
  Object.defineProperty(err, 'name', { value: `${Base.prototype.name} [${code}]`, configurable: true, writable: true });
  void err.stack;
  delete (err as { name?: string }).name;
  Object.defineProperty(err, 'toString', {
    value: function toString(this: Error) {
      return `${this.name} [${code}]: ${this.message}`;
    },
    configurable: true,
    writable: true,
    enumerable: false,
  });
  (err as Error & { code: string }).code = code;
  return err;
}

/** A C++-side Node error: a plain error with an own `code`. */
function nativeNodeError(Base: NodeErrorClass, code: string, message: string): Error {
  const err = new Base(message);
  (err as Error & { code: string }).code = code;
  return err;
}

/**
 * The `Received ...` part of ERR_INVALID_ARG_TYPE, as Node 20.20's `determineSpecificType` writes it:
 * `null`, `undefined`, `type number (5)`, `type string ('x')`, `function name` (`function ` for an anonymous
 * one), `an instance of Array`.
 */
export function determineSpecificType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'bigint':
      return `type bigint (${value}n)`;
    case 'number':
      if (value === 0) return 1 / value === -Infinity ? 'type number (-0)' : 'type number (0)';
      if (value !== value) return 'type number (NaN)';
      if (value === Infinity) return 'type number (Infinity)';
      if (value === -Infinity) return 'type number (-Infinity)';
      return `type number (${value})`;
    case 'boolean':
      return value ? 'type boolean (true)' : 'type boolean (false)';
    case 'symbol':
      return `type symbol (${String(value)})`;
    case 'function':
      return `function ${(value as { name?: unknown }).name}`;
    case 'object': {
      // Unguarded `in`, as Node: an object whose `constructor` is a truthy primitive makes Node throw V8's own
      // "Cannot use 'in' operator" TypeError instead of the intended error, and so do we.
      const ctor = (value as { constructor?: unknown }).constructor as { name?: unknown } | undefined;
      if (ctor && 'name' in ctor) {
        return `an instance of ${ctor.name}`;
      }
      return inspect(value, { depth: -1 });
    }
    case 'string': {
      let s = value;
      if (s.length > 28) s = `${s.slice(0, 25)}...`;
      if (s.indexOf("'") === -1) return `type string ('${s}')`;
      return `type string (${JSON.stringify(s)})`;
    }
    default: {
      let s = inspect(value, { colors: false });
      if (s.length > 28) s = `${s.slice(0, 25)}...`;
      return `type ${typeof value} (${s})`;
    }
  }
}

// Node's classification of the `expected` names of ERR_INVALID_ARG_TYPE.
const kTypes = ['string', 'function', 'number', 'object', 'Function', 'Object', 'boolean', 'bigint', 'symbol'];
const classRegExp = /^([A-Z][a-z0-9]*)+$/;

function formatList(list: readonly string[], type = 'or'): string {
  return list.length < 3
    ? list.join(` ${type} `)
    : `${list.slice(0, -1).join(', ')}, ${type} ${list[list.length - 1]}`;
}

/** `The "name" argument|property must be <expected>. Received <value>` (Node's ERR_INVALID_ARG_TYPE text). */
export function invalidArgTypeMessage(name: string, expected: string | readonly string[], actual: unknown): string {
  const expectedList = typeof expected === 'string' ? [expected] : expected;
  let msg = 'The ';
  if (name.endsWith(' argument')) {
    msg += `${name} `;
  } else {
    msg += `"${name}" ${name.includes('.') ? 'property' : 'argument'} `;
  }
  msg += 'must be ';

  const types: string[] = [];
  const instances: string[] = [];
  const other: string[] = [];
  for (const value of expectedList) {
    if (kTypes.includes(value)) types.push(value.toLowerCase());
    else if (classRegExp.test(value)) instances.push(value);
    else other.push(value);
  }
  // "object" is folded into the instances list when there are instances, as Node does.
  if (instances.length > 0) {
    const pos = types.indexOf('object');
    if (pos !== -1) {
      types.splice(pos, 1);
      instances.push('Object');
    }
  }
  if (types.length > 0) {
    msg += `${types.length > 1 ? 'one of type' : 'of type'} ${formatList(types)}`;
    if (instances.length > 0 || other.length > 0) msg += ' or ';
  }
  if (instances.length > 0) {
    msg += `an instance of ${formatList(instances)}`;
    if (other.length > 0) msg += ' or ';
  }
  if (other.length > 0) {
    if (other.length > 1) {
      msg += `one of ${formatList(other)}`;
    } else {
      if (other[0].toLowerCase() !== other[0]) msg += 'an ';
      msg += other[0];
    }
  }
  return `${msg}. Received ${determineSpecificType(actual)}`;
}

/** ERR_INVALID_ARG_TYPE (TypeError). */
export function errInvalidArgType(name: string, expected: string | readonly string[], actual: unknown): Error {
  return jsNodeError(TypeError, 'ERR_INVALID_ARG_TYPE', invalidArgTypeMessage(name, expected, actual));
}

/** ERR_INVALID_ARG_VALUE (TypeError): `The property 'name' <reason>. Received <inspect(value)>`. */
export function errInvalidArgValue(name: string, value: unknown, reason = 'is invalid'): Error {
  let inspected = inspect(value);
  if (inspected.length > 128) inspected = `${inspected.slice(0, 128)}...`;
  const type = name.includes('.') ? 'property' : 'argument';
  return jsNodeError(TypeError, 'ERR_INVALID_ARG_VALUE', `The ${type} '${name}' ${reason}. Received ${inspected}`);
}

/**
 * ERR_MISSING_OPTION (TypeError): `<name> is required`, Node's text for an option an API cannot do without,
 * followed by why and what to pass when that is not obvious.
 */
export function errMissingOption(name: string, why = ''): Error {
  return jsNodeError(TypeError, 'ERR_MISSING_OPTION', `${name} is required${why}`);
}

/** Node's `addNumericalSeparator`: 1099511627776 -> 1_099_511_627_776. */
function addNumericalSeparator(val: string): string {
  let res = '';
  let i = val.length;
  const start = val[0] === '-' ? 1 : 0;
  for (; i >= start + 4; i -= 3) res = `_${val.slice(i - 3, i)}${res}`;
  return `${val.slice(0, i)}${res}`;
}

/** ERR_OUT_OF_RANGE (RangeError): `The value of "name" is out of range. It must be <range>. Received <input>`. */
export function errOutOfRange(name: string, range: string, input: unknown): Error {
  let received: string;
  if (Number.isInteger(input) && Math.abs(input as number) > 2 ** 32) {
    received = addNumericalSeparator(String(input));
  } else if (typeof input === 'bigint') {
    received = String(input);
    if (input > 2n ** 32n || input < -(2n ** 32n)) received = addNumericalSeparator(received);
    received += 'n';
  } else {
    received = inspect(input);
  }
  return jsNodeError(
    RangeError,
    'ERR_OUT_OF_RANGE',
    `The value of "${name}" is out of range. It must be ${range}. Received ${received}`,
  );
}

/** ERR_WASI_ALREADY_STARTED (Error): a second start()/initialize(), even after a first one that threw. */
export function errWasiAlreadyStarted(): Error {
  return jsNodeError(Error, 'ERR_WASI_ALREADY_STARTED', 'WASI instance has already started');
}

/** ERR_WASI_NOT_STARTED (Error, from C++ in Node): a wasiImport function called before start()/initialize(). */
export function errWasiNotStarted(): Error {
  return nativeNodeError(Error, 'ERR_WASI_NOT_STARTED', 'wasi.start() has not been called');
}

/** Node 20's `_setMemory` check (C++): `instance.exports.memory` is not a WebAssembly.Memory. */
export function errMemoryNotWasmMemory(): Error {
  return nativeNodeError(
    TypeError,
    'ERR_INVALID_ARG_TYPE',
    '"instance.exports.memory" property must be a WebAssembly.Memory object',
  );
}

/**
 * A `uvwasi_init` failure (a preopen that is missing or not a directory, a stdio fd that is not open):
 * `Error: UVWASI_ENOENT, uvwasi_init` with `errno` (the WASI errno), `code` and `syscall`, as Node throws it.
 */
export function errUvwasiInit(wasiErrnoName: string, wasiErrno: number): Error {
  const code = `UVWASI_E${wasiErrnoName}`;
  const err = new Error(`${code}, uvwasi_init`) as Error & { errno: number; code: string; syscall: string };
  err.errno = wasiErrno;
  err.code = code;
  err.syscall = 'uvwasi_init';
  return err;
}
