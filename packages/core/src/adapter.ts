import { Errno } from './abi/errno';
import { rightsFromWire } from './abi/constants';
import {
  NEEDS_NO_MEMORY, type ArraySpec, type EnumSpec, type FdSpec, type FlagsSpec, type HintSpec, type OutSpec, type Param,
} from './abi/functions';
import type { AbiLayout } from './abi/layouts';
import type { SyscallContext } from './context';
import { IMPORT_FORM } from './adapter-modules.generated';
import { importSpec, lazyImportObject, type ImportMaker, type ImportSpec } from './import-object';

/**
 * The one adapter between wasm and the syscall implementations, derived from the ABI table (`abi/functions.ts`).
 * For every call it does, in this order, what each syscall used to write by hand:
 * 1. argument types: every `i32` parameter must be an integral number in the 32-bit range, every `i64` a bigint
 *    (a narrower import signature leaves arguments `undefined`, an `f64` one passes NaN or fractions): EINVAL,
 *    as node:wasi, before anything else happens;
 * 2. the memory view is bound (else the host's not-started error) and current;
 * 3. unsigned conversion of every `i32`, `u64` made unsigned, rights converted to vos's internal form;
 * 4. flags with undefined bits and enums out of range: EINVAL (decoded before the fd, as wasmtime);
 * 5. one fd-table lookup per fd parameter, checking kind and rights: EBADF, ENOTDIR, ENOTCAPABLE;
 * 6. every pointer against memory, with the size the table gives it (result slots, buffers, iovec arrays and
 *    the buffers they name, struct arrays): EFAULT; paths decoded (EFAULT, EILSEQ, EINVAL for NUL).
 * The implementation then receives validated values: fd entries of the right kind, unsigned numbers, strings.
 *
 * The adapter of each ABI layout is generated as JavaScript source (one specialised function per syscall, with
 * the checks inlined and no per-call allocation): at build time for preview1 and snapshot 0
 * (`adapter-modules.generated.ts`, so the first `WASI` compiles nothing and a page needs no 'unsafe-eval'), at
 * first use, once per process, for any other table. What is the same for every instance (the implementations,
 * the helpers) is bound once, in the generated module's scope; an instance's functions close over its context,
 * memory view and fd table only, and are methods (no `prototype` objects). The module comes in two forms, one
 * per platform (`ImportForm`, docs/decisions.md, "Import objects"):
 * - `lazy` (Node.js): a maker per syscall, and an import object that makes each function at its first read
 *   (`import-object.ts`), so a live sandbox carries only the functions its module imports;
 * - `eager` (browsers, `adapter-modules.generated.browser.ts`): one factory that makes an instance's whole import
 *   object in one object literal, a plain object, so that `WebAssembly.Instance` reads data properties rather
 *   than calling a Proxy's trap for each import.
 * Where code generation is forbidden (a Content-Security-Policy without 'unsafe-eval'), the same plan is
 * interpreted instead: identical results, slower.
 */

/** A syscall implementation: the context, then the checked arguments. */
export type Impl = (ctx: SyscallContext, ...args: never[]) => number;
export type ImportObject = Record<string, (...args: unknown[]) => number>;
type Impls = Readonly<Record<string, Impl>>;
type Makers = Record<string, ImportMaker>;
/**
 * Makes one instance's whole import object: a plain object with a function per syscall of the table, own
 * enumerable writable configurable data properties in table order (what node:wasi's `wasiImport` is).
 */
export type ImportFactory = (ctx: SyscallContext) => ImportObject;
/**
 * How an instance's import object is made: `lazy`, each function at its first read behind a Proxy (a module of
 * makers); `eager`, all at once by one factory. Each platform's generated modules say which they are.
 */
export type ImportForm = 'lazy' | 'eager';
/**
 * A generated adapter module: given the implementations and helpers, the makers of every syscall's function
 * (`lazy` form) or the factory of instances' import objects (`eager` form).
 */
export type AdapterModule = (impls: Impls, h: Helpers) => Makers | ImportFactory;
/** An adapter module generated at build time, and the layout it was generated for. */
export interface PregeneratedAdapter {
  readonly layout: AbiLayout;
  readonly module: AdapterModule;
}

export interface Helpers {
  readonly checkIovecs: (ctx: SyscallContext, iovs: number, count: number) => number;
  readonly rightsFromWire: (rights: bigint) => number;
}

const HELPERS: Helpers = { checkIovecs, rightsFromWire };

/**
 * Checks an iovec array and every buffer it names. Leaves the total byte count in `ctx.iovTotal` and returns it,
 * or -1 when anything lies outside memory.
 */
export function checkIovecs(ctx: SyscallContext, iovs: number, count: number): number {
  // Written out (no `fits`, the layout read once): it is inlined into fd_read/fd_write with the rest of the
  // call's path under one V8 inlining budget, and its bytecode size counts (docs/decisions.md, seq_io).
  const { u8, view } = ctx.mem;
  const { size, buf, len } = ctx.layout.iovec;
  const end = u8.length;
  if (iovs + count * size > end) return -1;
  let total = 0;
  for (let at = iovs, stop = iovs + count * size; at < stop; at += size) {
    const n = view.getUint32(at + len, true);
    if (view.getUint32(at + buf, true) + n > end) return -1;
    total += n;
  }
  ctx.iovTotal = total;
  return total;
}

/** Byte size of a result slot or struct in `layout`. */
export function outSize(layout: AbiLayout, size: OutSpec['size']): number {
  switch (size) {
    case 'u32':
    case 'fd':
      return 4;
    case 'u64':
      return 8;
    default:
      return layout[size].size;
  }
}

/** Whether `v` is what wasm passes for an i32 (read signed or, from a JS caller, unsigned). */
export function isI32(v: unknown): v is number {
  return typeof v === 'number' && ((v >>> 0) === v || (v | 0) === v);
}

/** One checked parameter: what the generator emits and the interpreter runs. */
type Step =
  | { readonly op: 'flags'; readonly i: number; readonly mask: number }
  | { readonly op: 'enum'; readonly i: number; readonly max: number }
  | { readonly op: 'fd'; readonly i: number; readonly method: 'get' | 'getDirectory' | 'getNonDirectory'; readonly rights: number }
  | { readonly op: 'fits'; readonly i: number; readonly size: number }
  | { readonly op: 'buf'; readonly i: number }
  | { readonly op: 'array'; readonly i: number; readonly count: number; readonly size: number }
  | { readonly op: 'iovs'; readonly i: number }
  | { readonly op: 'path'; readonly i: number };

interface Plan {
  readonly name: string;
  readonly arity: number;
  readonly i32: readonly number[];
  readonly i64: readonly number[];
  readonly u64: readonly number[];
  readonly rights: readonly number[];
  readonly memory: boolean;
  /** Checks in the order they run: flags and enums, then fds, then memory. */
  readonly steps: readonly Step[];
  /** What the implementation gets after the context: `a<i>` (the converted argument), `f<i>`, `p<i>`, `r<i>`. */
  readonly args: readonly { readonly from: 'a' | 'f' | 'p' | 'r'; readonly i: number }[];
}

const FD_METHOD = { any: 'get', file: 'getNonDirectory', dir: 'getDirectory' } as const;

function plan(name: string, params: readonly Param[], layout: AbiLayout): Plan {
  const i32: number[] = [];
  const i64: number[] = [];
  const u64: number[] = [];
  const rights: number[] = [];
  const decode: Step[] = [];
  const fds: Step[] = [];
  const memory: Step[] = [];
  const args: Plan['args'][number][] = [];
  for (let i = 0; i < params.length; i++) {
    const [pname, kind, spec] = params[i];
    if (kind === 'u64' || kind === 'i64' || kind === 'rights') i64.push(i);
    else i32.push(i);
    switch (kind) {
      case 'u64':
        if (spec === undefined || !(spec as HintSpec).hint) u64.push(i);
        args.push({ from: 'a', i });
        break;
      case 'rights':
        rights.push(i);
        args.push({ from: 'r', i });
        break;
      case 'flags':
        decode.push({ op: 'flags', i, mask: (spec as FlagsSpec).mask });
        args.push({ from: 'a', i });
        break;
      case 'enum':
        decode.push({ op: 'enum', i, max: (spec as EnumSpec).max });
        args.push({ from: 'a', i });
        break;
      case 'fd': {
        const fd = (spec as FdSpec).fd;
        if (fd === 'none') args.push({ from: 'a', i });
        else {
          fds.push({ op: 'fd', i, method: FD_METHOD[fd], rights: (spec as FdSpec).rights });
          args.push({ from: 'f', i });
        }
        break;
      }
      case 'out':
        memory.push({ op: 'fits', i, size: outSize(layout, (spec as OutSpec).size) });
        args.push({ from: 'a', i });
        break;
      case 'buf':
        memory.push({ op: 'buf', i });
        args.push({ from: 'a', i });
        break;
      case 'iovs':
      case 'ciovs':
        memory.push({ op: 'iovs', i });
        args.push({ from: 'a', i });
        break;
      case 'array': {
        const a = spec as ArraySpec;
        const count = params.findIndex(([n]) => n === a.count);
        if (count < 0) throw new Error(`ABI table: ${name}.${pname} counts by unknown parameter ${a.count}`);
        memory.push({ op: 'array', i, count, size: layout[a.of].size });
        args.push({ from: 'a', i });
        break;
      }
      case 'path':
        memory.push({ op: 'path', i });
        args.push({ from: 'p', i });
        i++; // the length is consumed with the path
        i32.push(i);
        break;
      default: // u32, len, ptr, i64
        args.push({ from: 'a', i });
    }
  }
  return { name, arity: params.length, i32, i64, u64, rights, memory: !NEEDS_NO_MEMORY.has(name), steps: [...decode, ...fds, ...memory], args };
}

// ---- code generation ----

const INVAL = Errno.INVAL;
const FAULT = Errno.FAULT;

function emit(p: Plan, form: ImportForm): string {
  const params = Array.from({ length: p.arity }, (_, i) => `a${i}`);
  const body: string[] = [];
  for (const i of p.i32) body.push(`if (typeof a${i} !== 'number' || ((a${i} >>> 0) !== a${i} && (a${i} | 0) !== a${i})) return ${INVAL};`);
  for (const i of p.i64) body.push(`if (typeof a${i} !== 'bigint') return ${INVAL};`);
  if (p.memory) body.push('ctx.enter();');
  for (const i of p.i32) body.push(`a${i} >>>= 0;`);
  for (const i of p.u64) body.push(`if (a${i} < 0n) a${i} = BigInt.asUintN(64, a${i});`);
  for (const i of p.rights) body.push(`const r${i} = h.rightsFromWire(a${i});`);
  for (const s of p.steps) {
    switch (s.op) {
      case 'flags':
        body.push(`if ((a${s.i} & ${~s.mask}) !== 0) return ${INVAL};`);
        break;
      case 'enum':
        body.push(`if (a${s.i} > ${s.max}) return ${INVAL};`);
        break;
      case 'fd':
        body.push(`const f${s.i} = fds.${s.method}(a${s.i}, ${s.rights});`, `if (typeof f${s.i} === 'number') return f${s.i};`);
        break;
      case 'fits':
        body.push(`if (a${s.i} + ${s.size} > mem.u8.length) return ${FAULT};`);
        break;
      case 'buf':
        body.push(`if (a${s.i} + a${s.i + 1} > mem.u8.length) return ${FAULT};`);
        break;
      case 'array':
        body.push(`if (a${s.i} + a${s.count} * ${s.size} > mem.u8.length) return ${FAULT};`);
        break;
      case 'iovs':
        body.push(`if (h.checkIovecs(ctx, a${s.i}, a${s.i + 1}) < 0) return ${FAULT};`);
        break;
      case 'path':
        body.push(`const p${s.i} = ctx.readPath(a${s.i}, a${s.i + 1});`, `if (typeof p${s.i} === 'number') return p${s.i};`);
        break;
    }
  }
  body.push(`return impl_${p.name}(${['ctx', ...p.args.map((a) => `${a.from}${a.i}`)].join(', ')});`);
  // A method of the factory's literal: its name comes from the key (a bundler may rename a variable, and
  // `fd_write` would then trap as `fd_write2`), and like an arrow it has no `prototype` object.
  if (form === 'eager') return `    ${p.name}(${params.join(', ')}) {\n      ${body.join('\n      ')}\n    }`;
  const code = body.join('\n      ');
  const scope = [
    ...(code.includes('mem.') ? ['    const mem = ctx.mem;'] : []),
    ...(code.includes('fds.') ? ['    const fds = ctx.fds;'] : []),
  ];
  // A method of a throwaway literal, not a named const: its name comes from the key (a bundler may rename a
  // variable, and `fd_write` would then trap as `fd_write2`), and like an arrow it has no `prototype` object.
  return [
    `  ${p.name}(ctx) {`,
    ...scope,
    `    return {\n      ${p.name}(${params.join(', ')}) {\n        ${code.replace(/\n {6}/g, '\n        ')}\n      },\n    }.${p.name};`,
    '  }',
  ].join('\n');
}

/**
 * The generated module's source, the body of a function `(impls, h) => makers | factory`: the implementations and
 * helpers in its scope, once per process, and
 * - `lazy`: a maker per syscall that makes an instance's function for it;
 * - `eager`: the factory that makes an instance's import object in one literal, every function closing over the
 *   one scope that holds the instance's context, memory view and fd table.
 * With `base` (another generated module of the same form, in scope under its name, and its plans), a syscall
 * whose code would be the same as the base's takes the base's function instead, applied to this module's
 * `impls` (`eager`: from the base's whole object for the same context): the code does not depend on which
 * implementation it calls, so snapshot 0 ships only the functions whose layouts differ from preview1's.
 */
function moduleSource(plans: readonly Plan[], form: ImportForm, base?: { readonly name: string; readonly plans: readonly Plan[] }): string {
  const baseCode = new Map(base?.plans.map((p) => [p.name, emit(p, form)]));
  const own = plans.filter((p) => baseCode.get(p.name) !== emit(p, form));
  const shared = own.length < plans.length;
  const head = [
    '"use strict";',
    ...(shared ? [`const base = ${(base as { name: string }).name}(impls, h);`] : []),
    ...own.map((p) => `const impl_${p.name} = impls.${p.name};`),
  ];
  if (form === 'lazy') {
    return [...head, `return {\n${plans.map((p) => (own.includes(p) ? emit(p, form) : `  ${p.name}: base.${p.name}`)).join(',\n')}\n};`].join('\n');
  }
  const code = own.map((p) => emit(p, form)).join('\n');
  return [
    ...head,
    'return function (ctx) {',
    ...(code.includes('mem.') ? ['  const mem = ctx.mem;'] : []),
    ...(code.includes('fds.') ? ['  const fds = ctx.fds;'] : []),
    ...(shared ? ['  const b = base(ctx);'] : []),
    `  return {\n${plans.map((p) => (own.includes(p) ? emit(p, form) : `    ${p.name}: b.${p.name}`)).join(',\n')},\n  };`,
    '};',
  ].join('\n');
}

/**
 * The source of the adapter module of `table` over `layout` (the body of an `AdapterModule`). preview1 and
 * snapshot 0 ship theirs generated at build time (`adapter-modules.generated.ts`); any other table is
 * generated at its first use. `base` names another module of the same file to share identical makers with.
 */
export function adapterModuleSource(
  table: Readonly<Record<string, readonly Param[]>>,
  layout: AbiLayout,
  form: ImportForm,
  base?: { readonly name: string; readonly table: Readonly<Record<string, readonly Param[]>>; readonly layout: AbiLayout },
): string {
  return moduleSource(plansOf(table, layout), form, base && { name: base.name, plans: plansOf(base.table, base.layout) });
}

function generate(plans: readonly Plan[], impls: Impls): Adapter | null {
  let module: AdapterModule;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    module = new Function('impls', 'h', moduleSource(plans, IMPORT_FORM)) as AdapterModule;
  } catch {
    return null; // code generation is not allowed here: interpret the plan
  }
  return adapterOf(module(impls, HELPERS));
}

// ---- the interpreter (same plan, same order) ----

function interpret(plans: readonly Plan[], impls: Impls): Adapter {
  if (IMPORT_FORM === 'eager') {
    return (ctx) => {
      const imports: ImportObject = {};
      for (const p of plans) imports[p.name] = interpreted(p, ctx, impls[p.name], HELPERS);
      return imports;
    };
  }
  const makers: Makers = {};
  for (const p of plans) makers[p.name] = (ctx) => interpreted(p, ctx, impls[p.name], HELPERS);
  return importSpec(makers);
}

function interpreted(p: Plan, ctx: SyscallContext, impl: Impl, h: Helpers): (...a: unknown[]) => number {
  const call = impl as unknown as (...args: unknown[]) => number;
  return function adapted(...raw: unknown[]): number {
    for (const i of p.i32) if (!isI32(raw[i])) return INVAL;
    for (const i of p.i64) if (typeof raw[i] !== 'bigint') return INVAL;
    if (p.memory) ctx.enter();
    const a = raw.slice(0, p.arity) as (number | bigint)[];
    for (const i of p.i32) a[i] = (a[i] as number) >>> 0;
    for (const i of p.u64) a[i] = BigInt.asUintN(64, a[i] as bigint);
    const checked: unknown[] = [];
    for (const i of p.rights) checked[i] = h.rightsFromWire(a[i] as bigint);
    const mem = ctx.mem;
    for (const s of p.steps) {
      const v = a[s.i] as number;
      switch (s.op) {
        case 'flags':
          if ((v & ~s.mask) !== 0) return INVAL;
          break;
        case 'enum':
          if (v > s.max) return INVAL;
          break;
        case 'fd': {
          const entry = ctx.fds[s.method](v, s.rights);
          if (typeof entry === 'number') return entry;
          checked[s.i] = entry;
          break;
        }
        case 'fits':
          if (!mem.fits(v, s.size)) return FAULT;
          break;
        case 'buf':
          if (!mem.fits(v, a[s.i + 1] as number)) return FAULT;
          break;
        case 'array':
          if (!mem.fits(v, (a[s.count] as number) * s.size)) return FAULT;
          break;
        case 'iovs':
          if (h.checkIovecs(ctx, v, a[s.i + 1] as number) < 0) return FAULT;
          break;
        case 'path': {
          const path = ctx.readPath(v, a[s.i + 1] as number);
          if (typeof path === 'number') return path;
          checked[s.i] = path;
          break;
        }
      }
    }
    return call(ctx, ...p.args.map(({ from, i }) => (from === 'a' ? a[i] : checked[i])));
  };
}

// ---- per layout, once per process ----

/**
 * Compiled adapters, per ABI table, implementations and layout. This is derived code, not state: it is the same
 * for every instance and never changes once built.
 */
const adapters = new WeakMap<object, WeakMap<Impls, WeakMap<AbiLayout, Adapter>>>();

/** What makes an instance's import object: the spec of a lazy one, or the factory of an eager one. */
type Adapter = ImportSpec | ImportFactory;

function adapterOf(built: Makers | ImportFactory): Adapter {
  return typeof built === 'function' ? built : importSpec(built);
}

function importObjectOf(adapter: Adapter, ctx: SyscallContext): ImportObject {
  return typeof adapter === 'function' ? adapter(ctx) : lazyImportObject(adapter, ctx);
}

/** Whether adapters are generated as code (false: interpreted). Tests force the interpreter with `interpretOnly`. */
export interface AdapterOptions {
  readonly interpretOnly?: boolean;
}

/**
 * The import object of one instance: an adapted function per entry of `table`, calling `impls` with `ctx`, made
 * as the platform's form says (`ImportForm`). `impls` must have an implementation for every function of the table.
 */
export function adaptImports(
  table: Readonly<Record<string, readonly Param[]>>,
  impls: Impls,
  ctx: SyscallContext,
  options?: AdapterOptions,
  /** The module generated at build time for `table` (used when the context's layout is the one it was made for). */
  pregenerated?: PregeneratedAdapter,
): ImportObject {
  const layout = ctx.layout;
  if (options !== undefined && options.interpretOnly) return importObjectOf(interpret(plansOf(table, layout), impls), ctx);
  // The usual case (preview1 or snapshot 0 over its own layout) without the three WeakMap lookups below.
  const last = lastAdapter;
  if (last !== null && last.table === table && last.impls === impls && last.layout === layout) return importObjectOf(last.adapter, ctx);
  let byImpls = adapters.get(table);
  if (byImpls === undefined) adapters.set(table, (byImpls = new WeakMap()));
  let byLayout = byImpls.get(impls);
  if (byLayout === undefined) byImpls.set(impls, (byLayout = new WeakMap()));
  let adapter = byLayout.get(layout);
  if (adapter === undefined) {
    if (pregenerated !== undefined && pregenerated.layout === layout) adapter = adapterOf(pregenerated.module(impls, HELPERS));
    else {
      const plans = plansOf(table, layout);
      adapter = generate(plans, impls) ?? interpret(plans, impls);
    }
    byLayout.set(layout, adapter);
  }
  lastAdapter = { table, impls, layout, adapter };
  return importObjectOf(adapter, ctx);
}

/** The adapter `adaptImports` found last, with its keys: a cache of derived code (see `adapters`), not state. */
let lastAdapter: { readonly table: object; readonly impls: Impls; readonly layout: AbiLayout; readonly adapter: Adapter } | null = null;

function plansOf(table: Readonly<Record<string, readonly Param[]>>, layout: AbiLayout): Plan[] {
  return Object.keys(table).map((name) => plan(name, table[name], layout));
}
