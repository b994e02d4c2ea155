import { escapeBracketed, quoteText } from './escape';
import { Fdflags, Filetype, Preopentype, Rights, RIGHTS_ALL } from './abi/constants';
import { errnoName } from './abi/errno';
import { PREVIEW1_LAYOUT, UNSTABLE_LAYOUT } from './abi/layouts';
import {
  PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS, type BufSpec, type EnumSpec, type FlagsSpec, type OutSpec, type Param,
} from './abi/functions';
import { isI32 } from './adapter';
import type { GuestMemory } from './memory';
import type { WasiVersion } from './core';

/**
 * strace for WASI: `traceImports` wraps an import object so that every call yields one line (name, arguments
 * decoded from the ABI table, result, duration) and/or feeds a `TraceSummary`. Tracing is opt-in at
 * construction: an untraced instance uses the unwrapped import object and pays nothing. A traced call does
 * allocate (strings, closures' argument arrays); that is the price of looking.
 *
 * Decoding reads guest memory through the instance's one `GuestMemory` with the same bounds policy as the
 * syscalls: a pointer range outside memory prints `<bad ptr>` and nothing is read.
 */

// The core has no DOM/node lib; `performance` exists in Node and browsers alike.
declare const performance: { now(): number };

/** What the tracer needs from the core: fd descriptions and the guest memory view (`WasiCore` has both). */
export interface TraceTarget {
  describeFd(fd: number): string;
  readonly memory: GuestMemory;
}

export interface TraceOptions {
  /** Counts and times per syscall, for a summary table (`TraceSummary.format()`). */
  summary?: TraceSummary;
  /** Time source in milliseconds (default `performance.now`); tests inject a fake one for golden lines. */
  now?: () => number;
  /** Most bytes of written data shown per call (default 32). */
  dataPreview?: number;
}

/** One row of the summary: a syscall's calls, failed calls (errno != 0 or a trap) and total time. */
export interface TraceSummaryRow {
  readonly name: string;
  calls: number;
  errors: number;
  totalUs: number;
}

/** Aggregates calls per syscall, like `strace -c`. */
export class TraceSummary {
  private readonly rows = new Map<string, TraceSummaryRow>();

  /** `errno` is the result, or -1 for a call that trapped (proc_exit included). */
  record(name: string, errno: number, us: number): void {
    let row = this.rows.get(name);
    if (row === undefined) {
      row = { name, calls: 0, errors: 0, totalUs: 0 };
      this.rows.set(name, row);
    }
    row.calls++;
    if (errno !== 0 && name !== 'proc_exit') row.errors++;
    row.totalUs += us;
  }

  /** Rows by total time, largest first (ties by name). */
  entries(): TraceSummaryRow[] {
    return [...this.rows.values()].sort((a, b) => b.totalUs - a.totalUs || (a.name < b.name ? -1 : 1));
  }

  /** A fixed-width table with a total line; `withTimes: false` leaves the time columns out (golden tests). */
  format(withTimes = true): string {
    const rows = this.entries();
    const head = withTimes
      ? ['syscall', 'calls', 'errors', 'total µs', 'avg µs']
      : ['syscall', 'calls', 'errors'];
    const total: TraceSummaryRow = { name: 'total', calls: 0, errors: 0, totalUs: 0 };
    const body = rows.map((r) => {
      total.calls += r.calls;
      total.errors += r.errors;
      total.totalUs += r.totalUs;
      return cells(r, withTimes);
    });
    const all = [head, ...body, cells(total, withTimes)];
    const widths = head.map((_, i) => Math.max(...all.map((r) => r[i].length)));
    const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
    const rule = widths.map((w) => '-'.repeat(w)).join('  ');
    return [line(head), rule, ...body.map(line), rule, line(all[all.length - 1])].join('\n') + '\n';
  }
}

function cells(r: TraceSummaryRow, withTimes: boolean): string[] {
  const c = [r.name, String(r.calls), String(r.errors)];
  if (withTimes) c.push(r.totalUs.toFixed(1), (r.calls === 0 ? 0 : r.totalUs / r.calls).toFixed(1));
  return c;
}

type Args = readonly unknown[];
/** Formats argument `i` (and maybe `i + 1`) before the call. */
type ArgFormatter = (args: Args) => string;
/** Formats an out-parameter after a successful call, or returns null to show nothing. */
type OutFormatter = (args: Args) => string | null;

interface Decoder {
  readonly before: readonly ArgFormatter[];
  readonly after: readonly OutFormatter[];
}

/**
 * Wraps every function of `imports` that the ABI table of `version` knows (anything else passes through) so
 * each call is reported to `sink` (one line, or nothing when `sink` is null) and to `options.summary`.
 * Exceptions (traps, `proc_exit`) are reported and rethrown unchanged.
 */
export function traceImports<T extends object>(
  imports: T,
  target: TraceTarget,
  version: WasiVersion,
  sink: ((line: string) => void) | null,
  options: TraceOptions = {},
): T {
  const table: Record<string, readonly Param[]> = version === 'preview1' ? PREVIEW1_FUNCTIONS : UNSTABLE_FUNCTIONS;
  const now = options.now ?? (() => performance.now());
  const summary = options.summary;
  const preview = options.dataPreview ?? 32;
  const out: Record<string, unknown> = { ...(imports as Record<string, unknown>) };
  for (const [name, fn] of Object.entries(imports as Record<string, unknown>)) {
    const params = table[name];
    if (params === undefined || typeof fn !== 'function') continue;
    const decoder = sink === null ? null : buildDecoder(params, target, version, preview);
    out[name] = function traced(this: unknown, ...args: unknown[]): unknown {
      const shown = decoder === null ? '' : decoder.before.map((f) => f(args)).join(', ');
      const t0 = now();
      let result: unknown;
      try {
        result = (fn as (...a: unknown[]) => unknown).apply(this, args);
      } catch (err) {
        const us = (now() - t0) * 1000;
        summary?.record(name, -1, us);
        if (sink !== null) sink(`${name}(${shown}) = !trap ${describeError(err)} ${formatUs(us)}`);
        throw err;
      }
      const us = (now() - t0) * 1000;
      const errno = typeof result === 'number' ? result : 0;
      summary?.record(name, errno, us);
      if (decoder !== null && sink !== null) {
        let outs = '';
        if (errno === 0) {
          const parts: string[] = [];
          for (const f of decoder.after) {
            const s = f(args);
            if (s !== null) parts.push(s);
          }
          if (parts.length > 0) outs = ` {${parts.join(', ')}}`;
        }
        sink(`${name}(${shown}) = ${typeof result === 'number' ? errnoName(result) : String(result)}${outs} ${formatUs(us)}`);
      }
      return result;
    };
  }
  return out as T;
}

export function formatUs(us: number): string {
  return `<${us.toFixed(1)}µs>`;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

// ---- argument decoding, built once per function from the ABI table, by parameter kind ----

/**
 * Formatters for each parameter, chosen by its kind and spec in the table (never by its name). A value of the
 * wrong JS type (the adapter answers EINVAL for it) is shown as it came, so a wrong-signature call traces too.
 */
function buildDecoder(params: readonly Param[], target: TraceTarget, version: WasiVersion, preview: number): Decoder {
  const before: ArgFormatter[] = [];
  const after: OutFormatter[] = [];
  const mem = target.memory;
  /** The iovec array a call fills (`iovs` kind), whose byte count the next u32 result is. */
  let filled = -1;
  for (let i = 0; i < params.length; i++) {
    const [name, kind, spec] = params[i];
    const at = i;
    switch (kind) {
      case 'path':
        before.push((a) => (isI32(a[at]) && isI32(a[at + 1]) ? `${name}=${readString(mem, u32(a[at]), u32(a[at + 1]))}` : `${name}=${raw(a[at])}, ${params[at + 1][0]}=${raw(a[at + 1])}`));
        i++;
        break;
      case 'iovs':
      case 'ciovs': {
        // The data of a ciovec array is the guest's, shown before the call; an iovec array is filled by it.
        const shown = kind === 'ciovs' ? preview : -1;
        if (kind === 'iovs') filled = at;
        before.push((a) => (isI32(a[at]) && isI32(a[at + 1]) ? `${name}=${formatIovs(mem, u32(a[at]), u32(a[at + 1]), shown)}` : `${name}=${raw(a[at])}, ${params[at + 1][0]}=${raw(a[at + 1])}`));
        i++;
        break;
      }
      case 'buf': {
        const lenName = params[at + 1][0];
        before.push((a) => `${name}=${hexOr(a[at])}, ${lenName}=${raw(a[at + 1])}`);
        if (spec !== undefined && (spec as BufSpec).out === 'text') {
          after.push((a) => `${name}=${readString(mem, u32(a[at]), u32(a[at + 1]))}`);
        }
        i++;
        break;
      }
      case 'fd':
        before.push((a) => `${name}=${isI32(a[at]) ? formatFd(target, u32(a[at])) : raw(a[at])}`);
        break;
      case 'rights':
        before.push((a) => `${name}=${formatRights(a[at])}`);
        break;
      case 'flags': {
        const names = (spec as FlagsSpec).names;
        before.push((a) => `${name}=${isI32(a[at]) ? formatFlags(names, u32(a[at])) : raw(a[at])}`);
        break;
      }
      case 'enum': {
        const e = spec as EnumSpec;
        const names = version === 'unstable' && e.unstableNames !== undefined ? e.unstableNames : e.names;
        before.push((a) => `${name}=${isI32(a[at]) ? formatEnum(names, u32(a[at])) : raw(a[at])}`);
        break;
      }
      case 'out': {
        before.push((a) => `${name}=${hexOr(a[at])}`);
        const shown = name.endsWith('_out') ? name.slice(0, -4) : name;
        const size = (spec as OutSpec).size;
        const struct = structFormatter(size, version, mem);
        if (struct !== null) after.push((a) => struct(u32(a[at])));
        else if (size === 'fd') after.push((a) => readOut(mem, u32(a[at]), 4, (v) => `fd=${formatFd(target, Number(v))}`));
        else if (size === 'u32' && filled >= 0) {
          // The count and the first bytes read, from the iovecs the call filled.
          const iovs = filled;
          filled = -1;
          after.push((a) => readOut(mem, u32(a[at]), 4, (v) => `${shown}=${v}${readData(mem, u32(a[iovs]), u32(a[iovs + 1]), Math.min(Number(v), preview))}`));
        } else if (size === 'u32') after.push((a) => readOut(mem, u32(a[at]), 4, (v) => `${shown}=${v}`));
        else if (size === 'u64') after.push((a) => readOut(mem, u32(a[at]), 8, (v) => `${shown}=${v}`));
        break;
      }
      case 'array':
      case 'ptr':
        before.push((a) => `${name}=${hexOr(a[at])}`);
        break;
      case 'u64':
      case 'i64':
        before.push((a) => `${name}=${raw(a[at])}`);
        break;
      default: // u32, len
        before.push((a) => `${name}=${isI32(a[at]) ? u32(a[at]) : raw(a[at])}`);
    }
  }
  return { before, after };
}

function u32(v: unknown): number {
  return (v as number) >>> 0;
}

/** A value as it came, when it is not what the table declares (`undefined`, a bigint for an i32, NaN...). */
function raw(v: unknown): string {
  return typeof v === 'bigint' ? `${v}n` : String(v);
}

function hexOr(v: unknown): string {
  return isI32(v) ? hex(u32(v)) : raw(v);
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function formatFd(target: TraceTarget, fd: number): string {
  const what = target.describeFd(fd);
  return what === '' ? String(fd) : `${fd}<${escapeBracketed(what)}>`; // a guest names its files
}

function formatEnum(table: Readonly<Record<string, number>>, v: number): string {
  for (const k in table) if (table[k] === v) return k;
  return String(v);
}

function formatFlags(table: Readonly<Record<string, number>>, v: number): string {
  if (v === 0) return '0';
  const names: string[] = [];
  let rest = v;
  for (const k in table) {
    const bit = table[k];
    if ((v & bit) !== 0) {
      names.push(k);
      rest &= ~bit;
    }
  }
  if (rest !== 0) names.push(hex(rest >>> 0));
  return names.join('|');
}

const RIGHTS = Rights as Record<string, number>;
const RIGHTS_ALL_BIG = BigInt(RIGHTS_ALL);

/** Rights as names; a near-full set is shown as what it lacks (`ALL&~(FD_SEEK)`), as libc asks for nearly all. */
function formatRights(v: unknown): string {
  if (typeof v !== 'bigint') return raw(v);
  const defined = Number(v & RIGHTS_ALL_BIG);
  if (defined === RIGHTS_ALL) return 'ALL';
  const has: string[] = [];
  const lacks: string[] = [];
  for (const k in RIGHTS) ((defined & RIGHTS[k]) !== 0 ? has : lacks).push(k);
  if (has.length === 0) return '0';
  return lacks.length < has.length ? `ALL&~(${lacks.join('|')})` : has.join('|');
}

/** A guest string as a quoted literal, or `<bad ptr>` when [ptr, ptr+len) is outside memory. */
function readString(mem: GuestMemory, ptr: number, len: number): string {
  mem.refresh();
  if (!mem.fits(ptr, len)) return '<bad ptr>';
  const max = Math.min(len, 256);
  const text = quote(mem, ptr, max);
  return len > max ? `${text}...` : text;
}

/** Valid UTF-8 is shown as text (JSON-escaped); anything else byte by byte, with `\xNN` for what is not ASCII. */
function quote(mem: GuestMemory, ptr: number, len: number): string {
  const text = mem.readUtf8(ptr, len);
  if (text !== null) return quoteText(text); // JSON, with C1, bidi and invisible characters escaped too
  let s = '"';
  for (let i = 0; i < len; i++) {
    const b = mem.u8[ptr + i];
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `${s}"`;
}

/**
 * An iovec array as `[n iovs, total bytes]`, plus the first `preview` bytes of data for writes (-1: none).
 * Any iovec outside memory makes the whole array `<bad ptr>`, as the syscall would see EFAULT.
 */
function formatIovs(mem: GuestMemory, ptr: number, count: number, preview: number): string {
  mem.refresh();
  const I = PREVIEW1_LAYOUT.iovec;
  if (!mem.fits(ptr, count * I.size)) return '<bad ptr>';
  const view = mem.view;
  let total = 0;
  const chunks: Uint8Array[] = [];
  let shown = 0;
  for (let k = 0; k < count; k++) {
    const base = view.getUint32(ptr + k * I.size + I.buf, true);
    const len = view.getUint32(ptr + k * I.size + I.len, true);
    if (!mem.fits(base, len)) return `${hex(ptr)}<bad ptr>`;
    total += len;
    if (preview > 0 && shown < preview && len > 0) {
      const take = Math.min(len, preview - shown);
      chunks.push(mem.u8.subarray(base, base + take));
      shown += take;
    }
  }
  const head = `${hex(ptr)}[${count} iov${count === 1 ? '' : 's'}, ${total} bytes]`;
  if (preview <= 0 || total === 0) return head;
  let data = '';
  for (const c of chunks) data += escapeBytes(c);
  return `${head} "${data}"${total > shown ? '...' : ''}`;
}

function escapeBytes(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) {
    if (b === 0x0a) s += '\\n';
    else if (b === 0x09) s += '\\t';
    else if (b === 0x0d) s += '\\r';
    else if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return s;
}

/**
 * Formatters for the structs a call writes back (fdstat, prestat, filestat), as `field=value` lists in the
 * ABI's own layout; null for a result that is not one of them.
 */
function structFormatter(size: OutSpec['size'], version: WasiVersion, mem: GuestMemory): ((ptr: number) => string | null) | null {
  const L = version === 'preview1' ? PREVIEW1_LAYOUT : UNSTABLE_LAYOUT;
  switch (size) {
    case 'fdstat':
      return (ptr) => {
        mem.refresh();
        if (!mem.fits(ptr, L.fdstat.size)) return null;
        const v = mem.view;
        return `filetype=${formatEnum(Filetype, v.getUint8(ptr + L.fdstat.filetype))}, ` +
          `flags=${formatFlags(Fdflags, v.getUint16(ptr + L.fdstat.flags, true))}, ` +
          `rights_base=${formatRights(v.getBigUint64(ptr + L.fdstat.rightsBase, true))}, ` +
          `rights_inheriting=${formatRights(v.getBigUint64(ptr + L.fdstat.rightsInheriting, true))}`;
      };
    case 'prestat':
      return (ptr) => {
        mem.refresh();
        if (!mem.fits(ptr, L.prestat.size)) return null;
        const v = mem.view;
        return `tag=${formatEnum(Preopentype, v.getUint8(ptr + L.prestat.tag))}, name_len=${v.getUint32(ptr + L.prestat.dirNameLen, true)}`;
      };
    case 'filestat':
      return (ptr) => {
        mem.refresh();
        const F = L.filestat;
        if (!mem.fits(ptr, F.size)) return null;
        const v = mem.view;
        const nlink = F.nlinkBytes === 8 ? v.getBigUint64(ptr + F.nlink, true) : v.getUint32(ptr + F.nlink, true);
        return `dev=${v.getBigUint64(ptr + F.dev, true)}, ino=${v.getBigUint64(ptr + F.ino, true)}, ` +
          `filetype=${formatEnum(Filetype, v.getUint8(ptr + F.filetype))}, nlink=${nlink}, ` +
          `size=${v.getBigUint64(ptr + F.filesize, true)}, atim=${v.getBigUint64(ptr + F.atim, true)}, ` +
          `mtim=${v.getBigUint64(ptr + F.mtim, true)}, ctim=${v.getBigUint64(ptr + F.ctim, true)}`;
      };
    default:
      return null;
  }
}

/** ` "..."`: the first `n` bytes the iovecs at `ptr` received, escaped ('' when none or out of bounds). */
function readData(mem: GuestMemory, ptr: number, count: number, n: number): string {
  mem.refresh();
  const I = PREVIEW1_LAYOUT.iovec;
  if (n <= 0 || !mem.fits(ptr, count * I.size)) return '';
  const view = mem.view;
  let data = '';
  let left = n;
  for (let k = 0; k < count && left > 0; k++) {
    const base = view.getUint32(ptr + k * I.size + I.buf, true);
    const len = Math.min(view.getUint32(ptr + k * I.size + I.len, true), left);
    if (!mem.fits(base, len)) return '';
    data += escapeBytes(mem.u8.subarray(base, base + len));
    left -= len;
  }
  return ` "${data}"`;
}

/** Reads a u32 or u64 result the call wrote, or null when the pointer is outside memory (nothing to show). */
function readOut(mem: GuestMemory, ptr: number, size: 4 | 8, show: (v: bigint | number) => string): string | null {
  mem.refresh();
  if (!mem.fits(ptr, size)) return null;
  return show(size === 4 ? mem.view.getUint32(ptr, true) : mem.view.getBigUint64(ptr, true));
}
