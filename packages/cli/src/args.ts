import { posix } from 'node:path';
import { toEpochNs } from '@vos/clock';

/**
 * The command line, parsed by hand: options must come before the module, and everything after it belongs to
 * the guest (`vos run -- prog.wasm -l` and `vos run prog.wasm -l` both pass `-l` to the guest), which
 * `util.parseArgs` cannot express. Parsing is pure (no filesystem access); `compose.ts` checks host paths.
 */

/** A command-line mistake: exit status 2, with a message that names the option. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type MountKind = 'dir' | 'ro-dir' | 'mem-dir' | 'overlay';

export interface MountSpec {
  readonly kind: MountKind;
  /** Host directory (absent for an empty `--mem-dir`). As written; resolved against the cwd when opened. */
  readonly host?: string;
  /** Absolute, normalised guest path. */
  readonly guest: string;
  /** The option as the user wrote it, for messages: `--dir ./data`. */
  readonly written: string;
}

export interface RunOptions {
  readonly module: string;
  readonly guestArgs: readonly string[];
  readonly mounts: readonly MountSpec[];
  /** NAME=VALUE pairs in order; an undefined value inherits NAME from the host (`--env NAME`). */
  readonly env: readonly (readonly [string, string | undefined])[];
  readonly inheritEnv: boolean;
  /** `--no-root`: no in-memory `/` and no preopen for it; only the mounts are preopened. */
  readonly noRoot: boolean;
  readonly argv0?: string;
  /** ns since the epoch; `true` = the default epoch. */
  readonly fakeClock?: bigint | true;
  readonly seed?: bigint;
  readonly deterministic: boolean;
  /** A file, or `-` for the host's stdin (the default). */
  readonly stdin?: string;
  /** A file, or `true` for stderr. */
  readonly trace?: string | true;
  readonly traceSummary: boolean;
  readonly diff: boolean;
  readonly invoke?: string;
  /** `--limit NAME=N`, by limit name (see `LIMITS`). */
  readonly limits: Readonly<Record<string, number>>;
  /** `--allow-outside-symlinks`: guest symlinks on host directories may point outside them. */
  readonly allowOutsideSymlinks: boolean;
  /** `--timeout`: wall-clock deadline in ms (the run then goes to a worker thread). */
  readonly timeoutMs?: number;
  /** `--max-memory`: cap on the guest's linear memory in bytes (worker thread). */
  readonly maxMemory?: number;
  /** `--http-dir URL::GUEST`: read-only trees over HTTP(S), mounted at GUEST (worker thread). */
  readonly httpDirs: readonly { readonly url: string; readonly guest: string; readonly written: string }[];
}

/**
 * The budgets `--limit NAME=N` sets: core limits (`limits` option of WASI) and the quota of every in-memory
 * filesystem the command makes (the default /, --mem-dir, the upper layer of --overlay). docs/security.md.
 */
export const LIMITS = {
  fds: 'maxFds',
  symlinks: 'maxSymlinks',
  'path-components': 'maxPathComponents',
  'listing-bytes': 'maxListingBytes',
  'mem-bytes': 'maxBytes',
  'mem-inodes': 'maxInodes',
  'mem-file-size': 'maxFileSize',
} as const;
export type LimitName = keyof typeof LIMITS;

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly options: RunOptions }
  | { readonly kind: 'manifest'; readonly dir: string };

/** How an option takes its value: `value` (next argument or `=`), `optional` (only with `=`), `flag` (none). */
export type OptionArity = 'value' | 'optional' | 'flag';

export interface OptionSpec {
  readonly name: string;
  readonly arity: OptionArity;
  /** How the value is shown in `--help` (`HOST[::GUEST]`, `[=FILE]`); empty for a flag. */
  readonly arg: string;
  /** The `--help` section it is listed under. */
  readonly section: string;
  /** One line of `--help`. */
  readonly help: string;
}

/**
 * Every option of `vos run`, in `--help` order: parsing, `--help` and "did you mean" all come from this table,
 * so adding an option is one row here plus its case in `apply` (and its use in compose/run).
 */
export const OPTIONS: readonly OptionSpec[] = [
  { name: '--dir', arity: 'value', arg: 'HOST[::GUEST]', section: 'Filesystem', help: 'host directory, read-write' },
  { name: '--ro-dir', arity: 'value', arg: 'HOST[::GUEST]', section: 'Filesystem', help: 'host directory, read-only' },
  { name: '--mem-dir', arity: 'value', arg: '[HOST::]GUEST', section: 'Filesystem', help: 'in-memory directory, optionally seeded with a copy of HOST (never changed)' },
  { name: '--overlay', arity: 'value', arg: 'HOST[::GUEST]', section: 'Filesystem', help: 'copy-on-write over HOST; changes stay in memory' },
  { name: '--diff', arity: 'flag', arg: '', section: 'Filesystem', help: 'at the end, print what the guest created, modified and deleted in each --overlay' },
  { name: '--http-dir', arity: 'value', arg: 'URL::GUEST', section: 'Filesystem', help: 'read-only tree over HTTP(S), described by URL/index.json (vos manifest)' },
  { name: '--no-root', arity: 'flag', arg: '', section: 'Filesystem', help: 'no in-memory / and no preopen for it: the guest sees only the mounts given' },
  { name: '--env', arity: 'value', arg: 'NAME[=VALUE]', section: 'Process', help: 'set a variable; NAME alone copies it from the host (repeatable)' },
  { name: '--inherit-env', arity: 'flag', arg: '', section: 'Process', help: "start from the host's whole environment" },
  { name: '--argv0', arity: 'value', arg: 'NAME', section: 'Process', help: "the guest's argv[0] (default: the module path as given)" },
  { name: '--stdin', arity: 'value', arg: 'FILE', section: 'Process', help: "the guest's stdin is FILE ('-': the host's stdin, the default)" },
  { name: '--invoke', arity: 'value', arg: 'NAME', section: 'Process', help: 'call the export NAME (numeric guest args as parameters) instead of _start' },
  { name: '--timeout', arity: 'value', arg: 'DURATION', section: 'Limits', help: 'stop the guest after DURATION of wall time (5s, 500ms, 2m): exit 142' },
  { name: '--max-memory', arity: 'value', arg: 'SIZE', section: 'Limits', help: "cap the guest's linear memory (256MiB, 1GiB): stopped when it grows past, exit 137" },
  { name: '--fake-clock', arity: 'optional', arg: '[=TIME]', section: 'Time and randomness', help: 'virtual time from TIME (ISO 8601 or ns; default 2000-01-01T00:00:00Z); sleeps are instant' },
  { name: '--seed', arity: 'value', arg: 'N', section: 'Time and randomness', help: 'random_get from a seeded generator (not cryptographic)' },
  { name: '--deterministic', arity: 'flag', arg: '', section: 'Time and randomness', help: '--fake-clock plus --seed 0 (each can still be given)' },
  { name: '--limit', arity: 'value', arg: 'NAME=N', section: 'Budgets (docs/security.md)', help: 'set a budget (repeatable): fds, symlinks, path-components, listing-bytes, mem-*' },
  { name: '--allow-outside-symlinks', arity: 'flag', arg: '', section: 'Budgets (docs/security.md)', help: 'guest symlinks on --dir may point outside it (default EPERM)' },
  { name: '--trace', arity: 'optional', arg: '[=FILE]', section: 'Tracing', help: 'one line per syscall, with the values it wrote back (to stderr, or to FILE)' },
  { name: '--trace-summary', arity: 'flag', arg: '', section: 'Tracing', help: 'a table of calls, errors and time per syscall at the end' },
  { name: '--help', arity: 'flag', arg: '', section: 'Help', help: 'this help (also -h)' },
];

const BY_NAME: ReadonlyMap<string, OptionSpec> = new Map(OPTIONS.map((o) => [o.name, o]));

/** Commands `vos` knows; anything else that does not look like a module is an unknown command. */
const COMMANDS = ['run', 'help', 'manifest'];

export function parseCommand(argv: readonly string[]): Command {
  const [first, ...rest] = argv;
  switch (first) {
    case undefined:
      throw new UsageError('missing command (try `vos run <module.wasm>` or `vos --help`)');
    case '--help':
    case '-h':
    case 'help':
      return { kind: 'help' };
    case '--version':
    case '-V':
      return { kind: 'version' };
    case 'run':
      return parseRun(rest);
    case 'manifest':
      if (rest.length !== 1 || rest[0].startsWith('-')) throw new UsageError('usage: vos manifest DIR > DIR/index.json');
      return { kind: 'manifest', dir: rest[0] };
    default:
      // wasmtime's habit: `vos prog.wasm args...` and `vos --dir . prog.wasm` mean `vos run ...`.
      if (first.startsWith('-')) {
        if (BY_NAME.has(optionName(first))) return parseRun(argv);
        throw new UsageError(`unknown option '${optionName(first)}'${suggest(optionName(first), OPTIONS.map((o) => o.name))}`);
      }
      if (looksLikeModule(first)) return parseRun(argv);
      throw new UsageError(`unknown command '${first}'${suggest(first, COMMANDS)} (commands: run, help; or give a module path: vos prog.wasm)`);
  }
}

/** A path to a module rather than a mistyped command: a `.wasm` name or anything with a directory in it. */
function looksLikeModule(arg: string): boolean {
  return arg.endsWith('.wasm') || arg.includes('/');
}

function optionName(arg: string): string {
  const eq = arg.indexOf('=');
  return arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
}

/** ` (did you mean --dir?)` for the nearest candidate within a small edit distance, or nothing. */
export function suggest(word: string, candidates: readonly string[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  // Close enough to be a typo: two edits, or a third of the longer word for long names.
  const limit = Math.max(2, Math.floor(Math.max(word.length, best.length) / 3));
  return bestDistance <= limit ? ` (did you mean ${best}?)` : '';
}

/** Edit distance with adjacent transpositions (`--dri` is one edit from `--dir`); names are short. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

interface Builder {
  timeoutMs?: number;
  maxMemory?: number;
  httpDirs: { url: string; guest: string; written: string }[];
  mounts: MountSpec[];
  env: [string, string | undefined][];
  inheritEnv: boolean;
  noRoot: boolean;
  argv0?: string;
  fakeClock?: bigint | true;
  seed?: bigint;
  deterministic: boolean;
  stdin?: string;
  trace?: string | true;
  traceSummary: boolean;
  diff: boolean;
  invoke?: string;
  limits: Record<string, number>;
  allowOutsideSymlinks: boolean;
}

function parseRun(argv: readonly string[]): Command {
  const b: Builder = {
    httpDirs: [], mounts: [], env: [], inheritEnv: false, noRoot: false, deterministic: false, traceSummary: false, diff: false,
    limits: {}, allowOutsideSymlinks: false,
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('-') || arg === '-') break;
    const name = optionName(arg);
    const kind = BY_NAME.get(name)?.arity;
    if (kind === undefined) throw new UsageError(`unknown option '${name}'${suggest(name, OPTIONS.map((o) => o.name))}`);
    let value: string | undefined = name !== arg ? arg.slice(name.length + 1) : undefined;
    if (kind === 'flag' && value !== undefined) throw new UsageError(`option '${name}' takes no value`);
    if (kind === 'value' && value === undefined) {
      if (i + 1 >= argv.length) throw new UsageError(`option '${name}' needs a value`);
      value = argv[++i];
    }
    if (name === '--help') return { kind: 'help' };
    apply(b, name, value);
  }
  const module = argv[i];
  if (module === undefined) throw new UsageError('missing <module.wasm>');
  if (b.diff && !b.mounts.some((m) => m.kind === 'overlay')) {
    throw new UsageError("option '--diff' needs an --overlay to report on");
  }
  const inWorker = b.timeoutMs !== undefined || b.maxMemory !== undefined || b.httpDirs.length > 0;
  if (inWorker && (b.trace !== undefined || b.traceSummary)) {
    throw new UsageError("options '--trace' and '--trace-summary' do not combine with --timeout, --max-memory or --http-dir (a run in a worker thread) yet");
  }
  return { kind: 'run', options: { ...b, module, guestArgs: argv.slice(i + 1) } };
}

function apply(b: Builder, name: string, value: string | undefined): void {
  switch (name) {
    case '--dir':
    case '--ro-dir':
    case '--overlay':
    case '--mem-dir':
      addMount(b, parseMount(name, value!));
      return;
    case '--diff':
      b.diff = true;
      return;
    case '--http-dir': {
      const sep = value!.lastIndexOf('::');
      const url = sep < 0 ? '' : value!.slice(0, sep);
      const guest = sep < 0 ? '' : value!.slice(sep + 2);
      if (!/^https?:\/\/[^/]/.test(url) || guest === '' || guest.includes('\0')) {
        throw new UsageError(`option '--http-dir ${value}': expected URL::GUEST with an http:// or https:// URL`);
      }
      const written = `--http-dir ${value}`;
      const path = posix.resolve('/', guest);
      const clash = b.mounts.find((o) => o.guest === path) ?? b.httpDirs.find((o) => o.guest === path);
      if (clash !== undefined) throw new UsageError(`option '${written}': ${path} is already mounted by '${clash.written}'`);
      b.httpDirs.push({ url, guest: path, written });
      return;
    }
    case '--timeout':
      b.timeoutMs = parseDuration(value!);
      return;
    case '--max-memory':
      b.maxMemory = parseSize(value!);
      return;
    case '--env': {
      // NAME=VALUE sets; NAME alone inherits the host's value (wasmtime), resolved when the world is composed.
      const eq = value!.indexOf('=');
      if (eq === 0 || value === '') throw new UsageError(`option '--env ${value}': expected NAME=VALUE or NAME`);
      b.env.push(eq < 0 ? [value!, undefined] : [value!.slice(0, eq), value!.slice(eq + 1)]);
      return;
    }
    case '--no-root':
      b.noRoot = true;
      return;
    case '--inherit-env':
      b.inheritEnv = true;
      return;
    case '--argv0':
      b.argv0 = value!;
      return;
    case '--fake-clock':
      b.fakeClock = value === undefined ? true : parseTime(value);
      return;
    case '--seed':
      if (!/^(-?\d+|0x[0-9a-fA-F]+)$/.test(value!)) throw new UsageError(`option '--seed ${value}': expected an integer`);
      b.seed = BigInt(value!);
      return;
    case '--deterministic':
      b.deterministic = true;
      return;
    case '--stdin':
      if (value === '') throw new UsageError("option '--stdin' needs a file (or - for the host's stdin)");
      b.stdin = value!;
      return;
    case '--trace':
      if (value === '') throw new UsageError("option '--trace=' needs a file name");
      b.trace = value ?? true;
      return;
    case '--trace-summary':
      b.traceSummary = true;
      return;
    case '--invoke':
      if (value === '') throw new UsageError("option '--invoke' needs a function name");
      b.invoke = value!;
      return;
    case '--limit': {
      const [key, n] = parseLimit(value!);
      b.limits[key] = n;
      return;
    }
    case '--allow-outside-symlinks':
      b.allowOutsideSymlinks = true;
      return;
  }
}

/** `NAME=N`: a known limit and a positive integer, with an optional binary K, M or G suffix. */
function parseLimit(value: string): [LimitName, number] {
  const m = /^([a-z-]+)=(\d+)([KMG]?)$/.exec(value);
  const names = Object.keys(LIMITS).join(', ');
  if (m === null) throw new UsageError(`option '--limit ${value}': expected NAME=N (N an integer, optionally K, M or G; NAME one of ${names})`);
  if (!(m[1] in LIMITS)) throw new UsageError(`option '--limit ${value}': unknown limit '${m[1]}' (one of ${names})`);
  const n = Number(m[2]) * { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[3] as '' | 'K' | 'M' | 'G'];
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`option '--limit ${value}': must be a positive integer`);
  return [m[1] as LimitName, n];
}

/** `5s`, `500ms`, `2m`, `1h`, `1.5s`; a bare number is seconds. Returns ms. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value);
  const ms = m === null ? NaN : Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  if (!(ms >= 1) || !Number.isFinite(ms) || ms > 2 ** 31 - 1) {
    throw new UsageError(`option '--timeout ${value}': expected a duration such as 5s, 500ms or 2m (at least 1ms, under 24 days)`);
  }
  return Math.round(ms);
}

/** `256MiB`, `1GiB`, `512KiB`, `64M` (M = MiB), `1GB` (10^9), or bytes. Returns bytes. */
export function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(|B|K|KiB|KB|M|MiB|MB|G|GiB|GB)$/i.exec(value);
  const units: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, kb: 1000, m: 1024 ** 2, mib: 1024 ** 2, mb: 1e6, g: 1024 ** 3, gib: 1024 ** 3, gb: 1e9 };
  const bytes = m === null ? NaN : Math.floor(Number(m[1]) * units[m[2].toLowerCase()]);
  if (!(bytes >= 65536) || bytes > 2 ** 32) {
    throw new UsageError(`option '--max-memory ${value}': expected a size such as 256MiB or 1GiB (64KiB to 4GiB)`);
  }
  return bytes;
}

/** `ns` digits, or anything `toEpochNs` accepts as ISO 8601. */
function parseTime(value: string): bigint {
  if (/^\d+$/.test(value)) return BigInt(value);
  try {
    if (value !== '' && /^\d{4}-\d{2}-\d{2}/.test(value)) return toEpochNs(value);
  } catch {
    // fall through to the message below
  }
  throw new UsageError(`option '--fake-clock=${value}': expected an ISO-8601 date (2024-01-01T00:00:00Z) or ns since the epoch`);
}

/**
 * `HOST[::GUEST]` (`--dir`, `--ro-dir`, `--overlay`) or `[HOST::]GUEST` (`--mem-dir`). GUEST defaults to HOST
 * as written (as wasmtime's `--dir`), and is made absolute against `/`, the guest's working directory.
 */
export function parseMount(option: string, value: string): MountSpec {
  const kind = option.slice(2) as MountKind;
  const written = `${option} ${value}`;
  const sep = value.indexOf('::');
  let host: string | undefined;
  let guest: string;
  if (sep >= 0) {
    host = value.slice(0, sep);
    guest = value.slice(sep + 2);
    if (host === '') throw new UsageError(`option '${written}': empty host directory before '::'`);
    if (guest === '') throw new UsageError(`option '${written}': empty guest path after '::'`);
  } else if (kind === 'mem-dir') {
    guest = value;
  } else {
    host = value;
    guest = value;
  }
  if (guest === '') throw new UsageError(`option '${option}' needs a path`);
  if (guest.includes('\0') || (host !== undefined && host.includes('\0'))) throw new UsageError(`option '${written}': NUL in a path`);
  return { kind, host, guest: posix.resolve('/', guest), written };
}

function addMount(b: Builder, m: MountSpec): void {
  const clash = b.mounts.find((o) => o.guest === m.guest);
  if (clash !== undefined) throw new UsageError(`option '${m.written}': ${m.guest} is already mounted by '${clash.written}'`);
  b.mounts.push(m);
}
