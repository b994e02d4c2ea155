/**
 * The linear-memory cap, enforced as memory grows (docs/worker.md, "Limits").
 *
 * JavaScript has no hook on `memory.grow` (nothing like wasmtime's `ResourceLimiter`), so the module itself is
 * rewritten before it is compiled:
 * 1. every `memory.grow` of memory 0 in every function body becomes a call to one appended function that
 *    computes `current pages + requested pages` (in 64 bits) and, past the cap, sets an exported flag global
 *    (`__vos_memory_cap_hit`) and traps with `unreachable`; otherwise it grows as asked. So the guest is stopped
 *    at the very instruction that would cross the cap, and the worker reads the flag to report "memory";
 * 2. memory 0's declared maximum is lowered to the cap (a second wall: growth the rewrite could not see, e.g. a
 *    module the decoder does not understand, then fails with -1 as the guest's `memory.grow` result);
 * 3. a module whose *initial* memory is already above the cap is refused before it runs.
 * Appending (a type, a function, a global, an export) shifts no existing index, so nothing else is renumbered.
 * When the code uses an instruction the decoder does not know (GC, `try_table`, memory64), only step 2 applies
 * and `instrumented` is false: the guest then sees failed growth rather than being stopped.
 */

export const MEMORY_CAP_GLOBAL = '__vos_memory_cap_hit';
export const WASM_PAGE = 65536;

export interface CappedModule {
  readonly bytes: Uint8Array;
  /** Every `memory.grow` now stops the guest past the cap (false: only the declared maximum was lowered). */
  readonly instrumented: boolean;
  /** Memory 0's initial size in bytes (0 when the module has no memory). */
  readonly initialBytes: number;
}

export class MemoryCapError extends Error {
  override readonly name = 'MemoryCapError';
}

class Reader {
  at = 0;
  constructor(readonly b: Uint8Array, at = 0, readonly end = b.length) {
    this.at = at;
  }
  byte(): number {
    if (this.at >= this.end) throw new Bail('truncated');
    return this.b[this.at++];
  }
  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const x = this.byte();
      result += (x & 0x7f) * 2 ** shift;
      if ((x & 0x80) === 0) return result;
      shift += 7;
      if (shift > 63) throw new Bail('bad LEB');
    }
  }
  skipLeb(): void {
    while (this.byte() & 0x80);
  }
  skip(n: number): void {
    this.at += n;
    if (this.at > this.end) throw new Bail('truncated');
  }
}

class Bail extends Error {}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

function sleb64(n: bigint): number[] {
  const out: number[] = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function section(id: number, body: Uint8Array | number[]): Uint8Array {
  return concat([[id, ...leb(body.length)], body]);
}

/** Order of the known sections in a module (custom sections may go anywhere). */
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 };

const VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

function skipBlockType(r: Reader): void {
  const b = r.b[r.at];
  if (b === 0x40 || VALTYPES.has(b)) r.at++;
  else r.skipLeb();
}

function skipMemarg(r: Reader): void {
  const align = r.u32();
  if (align & 0x40) r.skipLeb();
  r.skipLeb();
}

/**
 * Scans one function body's instructions; returns the byte offsets (within `b`) of each `memory.grow 0`.
 * Throws Bail on anything it does not know.
 */
function findGrows(r: Reader): [number, number][] {
  const grows: [number, number][] = [];
  const nLocals = r.u32();
  for (let i = 0; i < nLocals; i++) {
    r.skipLeb();
    const t = r.byte();
    if (!VALTYPES.has(t)) throw new Bail('local type');
  }
  while (r.at < r.end) {
    const at = r.at;
    const op = r.byte();
    if (op <= 0x01 || op === 0x05 || op === 0x0b || op === 0x0f || op === 0x1a || op === 0x1b || op === 0x0a || op === 0x19) continue;
    if (op >= 0x02 && op <= 0x04) skipBlockType(r);
    else if (op === 0x06) skipBlockType(r);
    else if (op === 0x07 || op === 0x08 || op === 0x09 || op === 0x18) r.skipLeb();
    else if (op === 0x0c || op === 0x0d || op === 0x10 || op === 0x12 || op === 0x14 || op === 0x15) r.skipLeb();
    else if (op === 0x0e) {
      const n = r.u32();
      for (let i = 0; i <= n; i++) r.skipLeb();
    } else if (op === 0x11 || op === 0x13) {
      r.skipLeb();
      r.skipLeb();
    } else if (op === 0x1c) {
      const n = r.u32();
      r.skip(n);
    } else if (op >= 0x20 && op <= 0x26) r.skipLeb();
    else if (op >= 0x28 && op <= 0x3e) skipMemarg(r);
    else if (op === 0x3f) r.skipLeb();
    else if (op === 0x40) {
      const mem = r.u32();
      if (mem === 0) grows.push([at, r.at]);
    } else if (op === 0x41 || op === 0x42) r.skipLeb();
    else if (op === 0x43) r.skip(4);
    else if (op === 0x44) r.skip(8);
    else if (op >= 0x45 && op <= 0xc4) continue;
    else if (op === 0xd0) skipBlockType(r);
    else if (op === 0xd1 || op === 0xd3 || op === 0xd4) continue;
    else if (op === 0xd2 || op === 0xd5 || op === 0xd6) r.skipLeb();
    else if (op === 0xfc) {
      const sub = r.u32();
      if (sub <= 7) continue;
      if (sub === 8 || sub === 12 || sub === 10 || sub === 14) {
        r.skipLeb();
        r.skipLeb();
      } else if (sub === 9 || sub === 11 || sub === 13 || (sub >= 15 && sub <= 17)) r.skipLeb();
      else throw new Bail(`0xfc ${sub}`);
    } else if (op === 0xfd) {
      const sub = r.u32();
      if (sub <= 11 || sub === 92 || sub === 93) skipMemarg(r);
      else if (sub === 12 || sub === 13) r.skip(16);
      else if (sub >= 21 && sub <= 34) r.skip(1);
      else if (sub >= 84 && sub <= 91) {
        skipMemarg(r);
        r.skip(1);
      } else continue;
    } else if (op === 0xfe) {
      const sub = r.u32();
      if (sub === 3) r.skip(1);
      else skipMemarg(r);
    } else throw new Bail(`opcode 0x${op.toString(16)}`);
  }
  return grows;
}

/** Rewrites a limits record so its maximum is at most `capPages`; returns the new bytes and the initial pages. */
function capLimits(r: Reader, capPages: number): { bytes: number[]; initial: number } {
  const flags = r.byte();
  if (flags & 0x04) throw new Bail('memory64');
  const initial = r.u32();
  const max = flags & 0x01 ? r.u32() : Infinity;
  const newMax = Math.min(max, capPages);
  return { bytes: [flags | 0x01, ...leb(initial), ...leb(Math.max(newMax, 0))], initial };
}

/**
 * The module rewritten for a cap of `maxBytes` (rounded down to whole 64 KiB pages). Throws MemoryCapError when
 * the module's initial memory is already larger than the cap.
 */
export function capModuleMemory(bytes: Uint8Array, maxBytes: number): CappedModule {
  if (!(maxBytes >= 0) || !Number.isFinite(maxBytes)) throw new RangeError('vos: maxMemory must be a non-negative number of bytes');
  const capPages = Math.floor(maxBytes / WASM_PAGE);
  const sections: { id: number; header: number; start: number; end: number }[] = [];
  const r = new Reader(bytes, 8);
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new MemoryCapError('not a WebAssembly module');
  }
  while (r.at < bytes.length) {
    const header = r.at;
    const id = r.byte();
    const size = r.u32();
    sections.push({ id, header, start: r.at, end: r.at + size });
    r.skip(size);
  }
  const find = (id: number) => sections.find((s) => s.id === id);

  // Imports: count functions and globals (indices of appended items follow them); cap an imported memory.
  let importedFuncs = 0;
  let importedGlobals = 0;
  let initialPages = 0;
  let hasMemory = false;
  const replaced = new Map<number, Uint8Array>();
  const imp = find(2);
  if (imp !== undefined) {
    const ir = new Reader(bytes, imp.start, imp.end);
    const out: (number[] | Uint8Array)[] = [];
    const n = ir.u32();
    out.push(leb(n));
    for (let i = 0; i < n; i++) {
      const from = ir.at;
      ir.skip(ir.u32());
      ir.skip(ir.u32());
      const kind = ir.byte();
      if (kind === 0x02 && !hasMemory) {
        out.push(bytes.subarray(from, ir.at));
        const l = capLimits(ir, capPages);
        out.push(l.bytes);
        initialPages = l.initial;
        hasMemory = true;
        continue;
      }
      if (kind === 0x00) {
        importedFuncs++;
        ir.skipLeb();
      } else if (kind === 0x01) {
        ir.byte();
        const f = ir.byte();
        ir.skipLeb();
        if (f & 1) ir.skipLeb();
      } else if (kind === 0x02) {
        const f = ir.byte();
        ir.skipLeb();
        if (f & 1) ir.skipLeb();
      } else if (kind === 0x03) {
        importedGlobals++;
        ir.skip(2);
      } else if (kind === 0x04) {
        ir.byte();
        ir.skipLeb();
      }
      out.push(bytes.subarray(from, ir.at));
    }
    replaced.set(2, concat(out));
  }
  const mem = find(5);
  if (mem !== undefined && !hasMemory) {
    const mr = new Reader(bytes, mem.start, mem.end);
    const n = mr.u32();
    if (n > 0) {
      const l = capLimits(mr, capPages);
      initialPages = l.initial;
      hasMemory = true;
      replaced.set(5, concat([leb(n), l.bytes, bytes.subarray(mr.at, mem.end)]));
    }
  }
  if (initialPages > capPages) {
    throw new MemoryCapError(`the module's initial memory (${initialPages * WASM_PAGE} bytes) is larger than the cap (${maxBytes} bytes)`);
  }
  const initialBytes = initialPages * WASM_PAGE;
  const assemble = (extra: Map<number, Uint8Array>): Uint8Array => {
    const parts: Uint8Array[] = [bytes.subarray(0, 8)];
    const present = new Set(sections.map((s) => s.id));
    const pendingNew = [...extra.keys()].filter((id) => !present.has(id)).sort((a, b) => ORDER[a] - ORDER[b]);
    for (const s of sections) {
      while (pendingNew.length > 0 && ORDER[s.id] !== undefined && ORDER[pendingNew[0]] < ORDER[s.id]) {
        const id = pendingNew.shift() as number;
        parts.push(section(id, extra.get(id) as Uint8Array));
      }
      const body = extra.get(s.id) ?? replaced.get(s.id);
      parts.push(body === undefined ? bytes.subarray(s.header, s.end) : section(s.id, body));
    }
    for (const id of pendingNew) parts.push(section(id, extra.get(id) as Uint8Array));
    return concat(parts);
  };
  if (!hasMemory) return { bytes: assemble(new Map()), instrumented: true, initialBytes: 0 };

  try {
    const extra = instrument(bytes, find, importedFuncs, importedGlobals, capPages);
    return { bytes: assemble(extra), instrumented: true, initialBytes };
  } catch (err) {
    if (!(err instanceof Bail)) throw err;
    return { bytes: assemble(new Map()), instrumented: false, initialBytes };
  }
}

function instrument(
  bytes: Uint8Array,
  find: (id: number) => { start: number; end: number } | undefined,
  importedFuncs: number,
  importedGlobals: number,
  capPages: number,
): Map<number, Uint8Array> {
  const extra = new Map<number, Uint8Array>();
  const vecAppend = (id: number, item: number[]): number => {
    const s = find(id);
    if (s === undefined) {
      extra.set(id, concat([leb(1), item]));
      return 0;
    }
    const r = new Reader(bytes, s.start, s.end);
    const n = r.u32();
    extra.set(id, concat([leb(n + 1), bytes.subarray(r.at, s.end), item]));
    return n;
  };
  // The hook's type (i32) -> i32 and the flag global, appended.
  const typeIndex = vecAppend(1, [0x60, 1, 0x7f, 1, 0x7f]);
  const definedGlobals = vecAppend(6, [0x7f, 0x01, 0x41, 0x00, 0x0b]);
  const globalIndex = importedGlobals + definedGlobals;
  const nameBytes = Array.from(new TextEncoder().encode(MEMORY_CAP_GLOBAL));
  vecAppend(7, [...leb(nameBytes.length), ...nameBytes, 0x03, ...leb(globalIndex)]);
  const definedFuncs = vecAppend(3, leb(typeIndex));
  const hookIndex = importedFuncs + definedFuncs;

  const code = find(10);
  if (code === undefined) throw new Bail('no code section');
  const cr = new Reader(bytes, code.start, code.end);
  const n = cr.u32();
  const bodies: (Uint8Array | number[])[] = [leb(n + 1)];
  const call = [0x10, ...leb(hookIndex)];
  for (let i = 0; i < n; i++) {
    const size = cr.u32();
    const start = cr.at;
    const grows = findGrows(new Reader(bytes, start, start + size));
    cr.skip(size);
    if (grows.length === 0) {
      bodies.push(leb(size), bytes.subarray(start, start + size));
      continue;
    }
    const parts: (Uint8Array | number[])[] = [];
    let from = start;
    for (const [g, end] of grows) {
      parts.push(bytes.subarray(from, g));
      parts.push(call);
      from = end;
    }
    parts.push(bytes.subarray(from, start + size));
    const body = concat(parts);
    bodies.push(leb(body.length), body);
  }
  const hook = [
    0x00, // no locals
    0x20, 0x00, 0xad, // local.get 0; i64.extend_i32_u
    0x3f, 0x00, 0xad, // memory.size; i64.extend_i32_u
    0x7c, // i64.add
    0x42, ...sleb64(BigInt(capPages)), // i64.const cap
    0x56, // i64.gt_u
    0x04, 0x40, // if
    0x41, 0x01, 0x24, ...leb(globalIndex), // global.set flag 1
    0x00, // unreachable
    0x0b, // end
    0x20, 0x00, 0x40, 0x00, // local.get 0; memory.grow 0
    0x0b,
  ];
  bodies.push(leb(hook.length), hook);
  extra.set(10, concat(bodies));
  return extra;
}
