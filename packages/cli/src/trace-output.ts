import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { TraceSummary, type TraceOption } from '@vos/wasi';
import { describeNodeFsPath } from '@vos/fs-node';
import { UsageError, type RunOptions } from './args';
import { hostErrorText } from './compose';
import { writeText, type CliIo } from './io';

/** Where `--trace` lines and the `--trace-summary` table go, and the `trace` option that feeds them. */
export interface TraceOutput {
  /** For `WASI`'s `trace` option; undefined when not tracing (the guest then runs the plain imports). */
  readonly option: TraceOption | undefined;
  /** Writes the summary (if asked) and closes a trace file. Called once, whatever way the guest ended. */
  finish(): void;
}

const FLUSH_AT = 64 * 1024;

/**
 * `--trace` alone writes to stderr, line by line, so lines interleave with the guest's own stderr in the order
 * things happened. `--trace=FILE` buffers (a line per syscall would otherwise cost a write each) and flushes at
 * 64 KiB and at the end. `--trace-summary` goes where the lines go, stderr without `--trace`.
 */
export function openTrace(o: RunOptions, io: CliIo): TraceOutput {
  if (o.trace === undefined && !o.traceSummary) return { option: undefined, finish() {} };
  const summary = o.traceSummary ? new TraceSummary() : undefined;

  let write: (text: string) => void;
  let close = (): void => {};
  if (typeof o.trace === 'string') {
    let fd: number;
    try {
      fd = openSync(resolve(io.cwd, o.trace), 'w');
    } catch (err) {
      throw new UsageError(`option '--trace=${o.trace}': ${hostErrorText(err)}`);
    }
    let pending = '';
    const flush = (): void => {
      if (pending !== '') writeSync(fd, pending);
      pending = '';
    };
    write = (text) => {
      pending += text;
      if (pending.length >= FLUSH_AT) flush();
    };
    close = () => {
      flush();
      closeSync(fd);
    };
  } else {
    write = (text) => writeText(io.stderr, text);
  }

  const line = o.trace === undefined ? undefined : (l: string): void => write(`${l}\n`);
  return {
    option: { line, summary },
    finish() {
      // Which path host directories took (@vos/fs-node's native accelerator or its JavaScript path).
      if (summary !== undefined) write(`${summary.format()}host directories: ${describeNodeFsPath()}\n`);
      close();
    },
  };
}
