// The browser build's host.ts. A page has no host filesystem, no host fds and no process to exit, so a run is
// composed from what a page does have: an in-memory `/` unless `mounts` says otherwise, stdin empty and
// stdout/stderr captured in `wasi.captured` unless the `stdio` option says otherwise (callbacks, buffers).
import { ProcExit, type FileSystem, type Stdio } from '@vos/core';

export const PLATFORM_DEFAULTS = {
  memoryRoot: true,
  captureStdio: true,
} as const;

/** The stdin/stdout/stderr options name host fds: a page has none. */
export function openHostStdio(_stdin: number, _stdout: number, _stderr: number): Stdio {
  throw new Error(
    'vos: a browser has no host fds for options.stdin/stdout/stderr; use options.stdio (a string or a callback as ' +
      'stdin, callbacks or CollectorSinks as stdout/stderr), or leave them out to capture output in wasi.captured',
  );
}

/** `preopens` names host directories: a page has none. */
export function openHostDirectory(hostPath: string): FileSystem {
  throw new Error(
    `vos: options.preopens names host directories (${JSON.stringify(hostPath)}), which a browser does not have; ` +
      'use options.mounts with a MemoryFileSystem (or another backend)',
  );
}

/**
 * `returnOnExit: false` ends the host process on Node; a page has no process, so the run ends as it does with
 * `returnOnExit: true` (`start()` returns the code).
 */
export function exitHostProcess(code: number): never {
  throw new ProcExit(code);
}
