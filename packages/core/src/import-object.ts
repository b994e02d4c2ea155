import type { SyscallContext } from './context';

/** Makes one import function of an instance (the adapter's generated or interpreted function for one syscall). */
export type ImportMaker = (ctx: SyscallContext) => (...args: unknown[]) => number;

/** What every instance of one ABI table and layout shares: the names in table order and their makers. */
export interface ImportSpec {
  readonly names: readonly string[];
  readonly known: ReadonlySet<string>;
  readonly makers: Readonly<Record<string, ImportMaker>>;
}

export function importSpec(makers: Readonly<Record<string, ImportMaker>>): ImportSpec {
  const names = Object.keys(makers);
  return { names, known: new Set(names), makers };
}

/**
 * An instance's import object, whose functions are made on first use.
 *
 * Why: a guest imports a handful of the 46 functions (hello-world: 5), and a function made per instance is an
 * object the garbage collector marks for as long as the sandbox lives; with thousands of live sandboxes, making
 * all 46 up front was a fifth of the time per instance and 2.6 KiB of its memory (docs/decisions.md, "Lazy
 * import objects"). `WebAssembly.Instance` reads only the imports the module declares, so only those are made.
 *
 * It behaves as a plain object with every function as an own, enumerable, writable, configurable data property
 * (what node:wasi's `wasiImport` is): reading a name makes that function once and keeps it (the same function
 * on every read), `in` sees every name, and anything that looks at the object as a whole (`Object.keys`,
 * spread, `getOwnPropertyDescriptor`, assignment, `delete`, `defineProperty`) first makes all the functions,
 * after which the object is exactly a plain one, keys in table order; `util.inspect` prints it whole. The
 * syscall path never meets the Proxy: wasm calls the functions themselves. What remains visible:
 * `util.types.isProxy()` is true (listed in docs/node-wasi-differences.md).
 */
export function lazyImportObject(spec: ImportSpec, ctx: SyscallContext): Record<string, (...args: unknown[]) => number> {
  return new Proxy(new LazyImports(Object.create(TARGET_PROTOTYPE), spec, ctx), HANDLER) as unknown as Record<string, (...args: unknown[]) => number>;
}

/**
 * The target's prototype (the Proxy reports `Object.prototype`, which this inherits from). It only lets Node's
 * `util.inspect`, which looks at a Proxy's target and not through it, print the whole object as for a plain one.
 */
const TARGET_PROTOTYPE = Object.create(Object.prototype, {
  [Symbol.for('nodejs.util.inspect.custom')]: {
    value(this: object, _depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
      return inspect({ ...this }, options);
    },
  },
}) as object;

/** A constructor that returns the object it is given, so a subclass's private fields are stamped onto it. */
class Stamp {
  constructor(target: object) {
    return target as Stamp;
  }
}

/**
 * The Proxy's target: a plain object (prototype `Object.prototype`, no own properties but the functions made so
 * far) carrying the instance's state in private fields, which no reflection can see.
 */
class LazyImports extends Stamp {
  #spec: ImportSpec;
  #ctx: SyscallContext;
  /** Every function has been made: the target is now the whole object, and the Proxy only forwards. */
  #complete = false;

  constructor(target: object, spec: ImportSpec, ctx: SyscallContext) {
    super(target);
    this.#spec = spec;
    this.#ctx = ctx;
  }

  /**
   * Makes `key`'s function if it is a name of the table not made yet (and the object not completed), and returns
   * it; undefined when nothing was made (the target then has whatever it has).
   */
  static ensure(t: LazyImports, key: string | symbol): ((...args: unknown[]) => number) | undefined {
    if (t.#complete || typeof key !== 'string' || !t.#spec.known.has(key) || Object.prototype.hasOwnProperty.call(t, key)) return undefined;
    const fn = t.#spec.makers[key](t.#ctx);
    (t as unknown as Record<string, unknown>)[key] = fn;
    return fn;
  }

  /** Whether `key` names a function not made yet. */
  static pending(t: LazyImports, key: string | symbol): boolean {
    return !t.#complete && typeof key === 'string' && t.#spec.known.has(key) && !Object.prototype.hasOwnProperty.call(t, key);
  }

  /** Makes every function not made yet; from now on the target is the plain object the Proxy stands for. */
  static complete(t: LazyImports): void {
    if (t.#complete) return;
    for (const name of t.#spec.names) LazyImports.ensure(t, name);
    t.#complete = true;
  }

  /** The own keys: the table's names (those still present) in table order, then any others in theirs. */
  static ownKeys(t: LazyImports): (string | symbol)[] {
    LazyImports.complete(t);
    const keys = Reflect.ownKeys(t);
    const known = t.#spec.known;
    const ordered: (string | symbol)[] = t.#spec.names.filter((n) => Object.prototype.hasOwnProperty.call(t, n));
    for (const k of keys) if (typeof k !== 'string' || !known.has(k)) ordered.push(k);
    return ordered;
  }
}

const HANDLER: ProxyHandler<LazyImports> = {
  get(t, key, receiver) {
    // What `WebAssembly.Instance` does, once per import: the function made now is the answer.
    return LazyImports.ensure(t, key) ?? Reflect.get(t, key, receiver);
  },
  has(t, key) {
    return LazyImports.pending(t, key) || Reflect.has(t, key);
  },
  ownKeys(t) {
    return LazyImports.ownKeys(t);
  },
  getOwnPropertyDescriptor(t, key) {
    LazyImports.complete(t);
    return Reflect.getOwnPropertyDescriptor(t, key);
  },
  defineProperty(t, key, descriptor) {
    LazyImports.complete(t);
    return Reflect.defineProperty(t, key, descriptor);
  },
  deleteProperty(t, key) {
    LazyImports.complete(t);
    return Reflect.deleteProperty(t, key);
  },
  preventExtensions(t) {
    LazyImports.complete(t);
    // A non-extensible target must report its real prototype: make that the one reported until now.
    if (Object.getPrototypeOf(t) === TARGET_PROTOTYPE) Object.setPrototypeOf(t, Object.prototype);
    return Reflect.preventExtensions(t);
  },
  getPrototypeOf(t) {
    const proto = Object.getPrototypeOf(t) as object | null;
    return proto === TARGET_PROTOTYPE ? Object.prototype : proto;
  },
  set(t, key, value, receiver) {
    LazyImports.complete(t);
    return Reflect.set(t, key, value, receiver);
  },
};
