import { writeSync } from 'node:fs';

/**
 * Where the command's world comes from: the host process by default, anything in tests. The guest runs
 * synchronously, so outputs are synchronous too (a host fd is written with `writeSync`).
 */
export interface CliIo {
  /** The guest's fd 1: a host fd, or a callback given each chunk. vos's own reports never go here. */
  readonly stdout: number | ((chunk: Uint8Array) => void);
  /** The guest's fd 2, and vos's messages, traces and reports. */
  readonly stderr: number | ((chunk: Uint8Array) => void);
  /** The guest's fd 0 when no `--stdin FILE` is given (and for `--stdin -`): a host fd or the bytes to read. */
  readonly stdin: number | Uint8Array;
  /** The environment `--inherit-env` copies. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative host paths (module, mounts, --stdin, --trace files) are resolved against this. */
  readonly cwd: string;
  /** This is the real process: relay SIGTERM so reports still print (see signals.ts). Tests leave it out. */
  readonly signals?: boolean;
}

export function processIo(): CliIo {
  return { stdout: 1, stderr: 2, stdin: 0, env: process.env, cwd: process.cwd(), signals: true };
}

const encoder = new TextEncoder();

/** Writes text to an output of `CliIo` (a host fd or a callback). */
export function writeText(out: CliIo['stdout'], text: string): void {
  const bytes = encoder.encode(text);
  if (typeof out === 'function') {
    out(bytes);
    return;
  }
  let off = 0;
  while (off < bytes.length) {
    try {
      off += writeSync(out, bytes, off, bytes.length - off);
    } catch (err) {
      // A non-blocking pipe or terminal can refuse a write for a moment; anything else is not ours to fix.
      if ((err as { code?: string }).code !== 'EAGAIN') return;
    }
  }
}
