import { traceImports, type TraceSummary, type WasiCore, type WasiVersion } from '@vos/core';
import { errInvalidArgType } from './errors';

/**
 * The vos-only `trace` option: either a callback that receives one line per syscall, or an object with a
 * callback and/or a `TraceSummary` to aggregate into (for `strace -c`-style tables). node:wasi ignores it.
 */
export type TraceOption =
  | ((line: string) => void)
  | {
      /** One line per syscall (omit to aggregate only). */
      readonly line?: (line: string) => void;
      /** Counts and total time per syscall. */
      readonly summary?: TraceSummary;
      /** Time source in ms (default `performance.now`), for reproducible lines in tests. */
      readonly now?: () => number;
    };

/**
 * Wraps `imports` with the tracer when `trace` is given; returns `imports` itself otherwise, so an untraced
 * instance runs the plain import functions (zero cost). Validation errors use node's error shapes.
 */
export function applyTraceOption<T extends object>(imports: T, core: WasiCore, version: WasiVersion, trace: unknown): T {
  if (trace === undefined) return imports;
  if (typeof trace === 'function') return traceImports(imports, core, version, trace as (line: string) => void);
  if (trace === null || typeof trace !== 'object') throw errInvalidArgType('options.trace', 'Function or Object', trace);
  const { line, summary, now } = trace as Exclude<TraceOption, (line: string) => void>;
  if (line !== undefined && typeof line !== 'function') throw errInvalidArgType('options.trace.line', 'Function', line);
  if (now !== undefined && typeof now !== 'function') throw errInvalidArgType('options.trace.now', 'Function', now);
  return traceImports(imports, core, version, line ?? null, { summary, now });
}
