import { escapeBracketed, quoteText } from './escape';
import {
  Advice, Clockid, Fdflags, Fstflags, Lookupflags, Oflags, Riflags, Rights, RIGHTS_ALL, Sdflags, UnstableWhence, Whence,
} from './abi/constants';
import { errnoName } from './abi/errno';
import { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS, type Param } from './abi/functions';
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
    const decoder = sink === null ? null : buildDecoder(name, params, target, version, preview);
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

// ---- argument decoding, built once per function from the ABI table ----

const LOOKUP = Lookupflags as Record<string, number>;
const FDFLAGS = Fdflags as Record<string, number>;

/** Flag/enum tables by parameter name; `flags` depends on the function (lookupflags or fdflags). */
function flagTable(fn: string, param: string, version: WasiVersion): { table: Record<string, number>; enumLike: boolean } | null {
  switch (param) {
    case 'dirflags':
    case 'old_flags':
      return { table: LOOKUP, enumLike: false };
    case 'flags':
      return { table: fn.startsWith('path_') ? LOOKUP : FDFLAGS, enumLike: false };
    case 'fdflags':
      return { table: FDFLAGS, enumLike: false };
    case 'oflags':
      return { table: Oflags, enumLike: false };
    case 'fst_flags':
      return { table: Fstflags, enumLike: false };
    case 'ri_flags':
      return { table: Riflags, enumLike: false };
    case 'how':
      return { table: Sdflags, enumLike: false };
    case 'whence':
      return { table: version === 'preview1' ? Whence : UnstableWhence, enumLike: true };
    case 'advice':
      return { table: Advice, enumLike: true };
    case 'id':
      return { table: Clockid, enumLike: true };
    default:
      return null;
  }
}

/** Out-parameters worth reading back: u32 counts, u64 times/offsets, and new fds. */
const U32_OUTS = new Set([
  'nread_out', 'nwritten_out', 'bufused_out', 'argc_out', 'argv_buf_size_out', 'count_out', 'buf_size_out',
  'nevents_out', 'ro_datalen_out', 'so_datalen_out',
]);
const U64_OUTS = new Set(['time_out', 'resolution_out', 'newoffset_out', 'offset_out']);
/** Pointer+length pairs that hold a path the guest passes in. */
const PATH_PARAMS = new Set(['path', 'old_path', 'new_path']);
/** Pointer+count pairs that hold an iovec array; the value says whether the data is the guest's to show. */
const IOV_PARAMS: Record<string, boolean> = { iovs: true, si_data: true, ri_data: false };

function buildDecoder(fn: string, params: readonly Param[], target: TraceTarget, version: WasiVersion, preview: number): Decoder {
  const before: ArgFormatter[] = [];
  const after: OutFormatter[] = [];
  const mem = target.memory;
  const writes = fn === 'fd_write' || fn === 'fd_pwrite' || fn === 'sock_send';
  for (let i = 0; i < params.length; i++) {
    const [name, type] = params[i];
    const next = params[i + 1];
    const hasLen = next !== undefined && next[0] === `${name}_len`;
    if (hasLen && PATH_PARAMS.has(name) && fn !== 'fd_prestat_dir_name') {
      const p = i;
      before.push((a) => `${name}=${readString(mem, u32(a[p]), u32(a[p + 1]))}`);
      i++;
      continue;
    }
    if (hasLen && name === 'path' && fn === 'fd_prestat_dir_name') {
      const p = i;
      before.push((a) => `path=${hex(u32(a[p]))}, path_len=${u32(a[p + 1])}`);
      after.push((a) => `path=${readString(mem, u32(a[p]), u32(a[p + 1]))}`);
      i++;
      continue;
    }
    if (hasLen && name in IOV_PARAMS) {
      const p = i;
      const showData = IOV_PARAMS[name] && writes;
      before.push((a) => `${name}=${formatIovs(mem, u32(a[p]), u32(a[p + 1]), showData ? preview : -1)}`);
      i++;
      continue;
    }
    const at = i;
    if (type === 'fd') {
      before.push((a) => `${name}=${formatFd(target, u32(a[at]))}`);
      continue;
    }
    if (name.startsWith('fs_rights_')) {
      before.push((a) => `${name}=${formatRights(a[at] as bigint)}`);
      continue;
    }
    const flags = flagTable(fn, name, version);
    if (flags !== null) {
      before.push((a) => `${name}=${flags.enumLike ? formatEnum(flags.table, u32(a[at])) : formatFlags(flags.table, u32(a[at]))}`);
      continue;
    }
    if (type === 'ptr') {
      before.push((a) => `${name}=${hex(u32(a[at]))}`);
      if (name === 'fd_out') after.push((a) => readOut(mem, u32(a[at]), 4, (v) => `fd=${formatFd(target, Number(v))}`));
      else if (U32_OUTS.has(name)) after.push((a) => readOut(mem, u32(a[at]), 4, (v) => `${outName(name)}=${v}`));
      else if (U64_OUTS.has(name)) after.push((a) => readOut(mem, u32(a[at]), 8, (v) => `${outName(name)}=${v}`));
      continue;
    }
    if (type === 'u64' || type === 'i64') {
      before.push((a) => `${name}=${String(a[at])}`);
      continue;
    }
    before.push((a) => `${name}=${u32(a[at])}`);
  }
  return { before, after };
}

function u32(v: unknown): number {
  return (v as number) >>> 0;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

function outName(param: string): string {
  return param.slice(0, -4);
}

function formatFd(target: TraceTarget, fd: number): string {
  const what = target.describeFd(fd);
  return what === '' ? String(fd) : `${fd}<${escapeBracketed(what)}>`; // a guest names its files
}

function formatEnum(table: Record<string, number>, v: number): string {
  for (const k in table) if (table[k] === v) return k;
  return String(v);
}

function formatFlags(table: Record<string, number>, v: number): string {
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
function formatRights(v: bigint): string {
  if (typeof v !== 'bigint') return String(v);
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
  if (!mem.fits(ptr, count * 8)) return '<bad ptr>';
  const view = mem.view;
  let total = 0;
  const chunks: Uint8Array[] = [];
  let shown = 0;
  for (let k = 0; k < count; k++) {
    const base = view.getUint32(ptr + k * 8, true);
    const len = view.getUint32(ptr + k * 8 + 4, true);
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

/** Reads a u32 or u64 result the call wrote, or null when the pointer is outside memory (nothing to show). */
function readOut(mem: GuestMemory, ptr: number, size: 4 | 8, show: (v: bigint | number) => string): string | null {
  mem.refresh();
  if (!mem.fits(ptr, size)) return null;
  return show(size === 4 ? mem.view.getUint32(ptr, true) : mem.view.getBigUint64(ptr, true));
}
