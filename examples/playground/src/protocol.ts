/** Messages between the playground page and the worker that runs the guest. */

export type MountSpec =
  | { readonly path: string; readonly kind: 'memory' }
  /** Persistent: OPFS where the browser has it, IndexedDB otherwise; written back when the program ends. */
  | { readonly path: string; readonly kind: 'persistent'; readonly name: string }
  /** A dropped or picked folder, copied into memory (the guest's changes never reach the user's disk). */
  | { readonly path: string; readonly kind: 'files'; readonly files: readonly { path: string; blob: Blob }[] }
  /** A zip or tar archive fetched from a URL (same origin, or one that allows CORS) and unpacked into memory. */
  | { readonly path: string; readonly kind: 'archive-url'; readonly url: string }
  /** A read-only tree served over HTTP (@vos/fs-http: a manifest, then files fetched as the guest reads them). */
  | { readonly path: string; readonly kind: 'http'; readonly url: string };

export interface RunRequest {
  readonly type: 'run';
  readonly wasm: ArrayBuffer;
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string;
  readonly mounts: readonly MountSpec[];
  /** Fake clock and seeded randomness (vos's deterministic mode). */
  readonly deterministic: null | { readonly epoch: string; readonly seed: number };
  readonly trace: boolean;
}

export interface TraceRow {
  readonly call: string;
  readonly args: string;
  readonly result: string;
  readonly time: string;
}

export interface DiffRow {
  readonly change: 'A' | 'M' | 'D';
  readonly path: string;
  readonly kind: string;
  readonly size: number;
}

export type WorkerMessage =
  | { readonly type: 'started' }
  | { readonly type: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'trace'; readonly rows: readonly TraceRow[]; readonly dropped: number }
  | {
      readonly type: 'exit';
      readonly code: number;
      readonly ms: number;
      readonly diff: readonly DiffRow[];
      readonly syscalls: number;
      readonly persisted: readonly string[];
      /** The files after the run (the root and every mount but lazy ones) as a tar archive, for a download. */
      readonly tar: Uint8Array;
    }
  | { readonly type: 'error'; readonly message: string };

/** `name(args) = RESULT… TIME`, as vos's tracer writes a line, split into columns. */
export function parseTraceLine(line: string): TraceRow {
  const open = line.indexOf('(');
  const eq = line.lastIndexOf(') = ');
  if (open < 0 || eq < 0) return { call: line, args: '', result: '', time: '' };
  const rest = line.slice(eq + 4);
  const cut = rest.lastIndexOf(' ');
  return { call: line.slice(0, open), args: line.slice(open + 1, eq), result: cut < 0 ? rest : rest.slice(0, cut), time: cut < 0 ? '' : rest.slice(cut + 1) };
}

/** Splits a command line into arguments: spaces separate, single or double quotes group, backslash escapes. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote: string | null = null;
  let any = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) cur += text[++i];
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      any = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      cur += text[++i];
      any = true;
    } else if (/\s/.test(ch)) {
      if (any || cur) out.push(cur);
      cur = '';
      any = false;
    } else cur += ch;
  }
  if (any || cur) out.push(cur);
  return out;
}
