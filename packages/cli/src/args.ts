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
  readonly env: readonly (readonly [string, string])[];
  readonly inheritEnv: boolean;
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
}

/**
 * The budgets `--limit NAME=N` sets: core limits (`limits` option of WASI) and the quota of every in-memory
 * filesystem the command makes (the default /, --mem-dir, the upper layer of --overlay). docs/security.md.
 */
export const LIMITS = {
  fds: 'maxFds',
  symlinks: 'maxSymlinks',
  'path-components': 'maxPathComponents',
  'listing-entries': 'maxListingEntries',
  'mem-bytes': 'maxBytes',
  'mem-inodes': 'maxInodes',
  'mem-file-size': 'maxFileSize',
} as const;
export type LimitName = keyof typeof LIMITS;

export type Command =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly options: RunOptions };

/** How each option takes its value: `value` (next argument or `=`), `optional` (only with `=`), `flag` (none). */
const OPTIONS: Readonly<Record<string, 'value' | 'optional' | 'flag'>> = {
  '--dir': 'value',
  '--ro-dir': 'value',
  '--mem-dir': 'value',
  '--overlay': 'value',
  '--diff': 'flag',
  '--env': 'value',
  '--inherit-env': 'flag',
  '--argv0': 'value',
  '--fake-clock': 'optional',
  '--seed': 'value',
  '--deterministic': 'flag',
  '--stdin': 'value',
  '--trace': 'optional',
  '--trace-summary': 'flag',
  '--invoke': 'value',
  '--limit': 'value',
  '--allow-outside-symlinks': 'flag',
  '--help': 'flag',
};

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
    default:
      if (first.startsWith('-')) throw new UsageError(`unknown option '${first}' (options go after \`run\`)`);
      throw new UsageError(`unknown command '${first}' (try \`vos run ${first}\`)`);
  }
}

interface Builder {
  mounts: MountSpec[];
  env: [string, string][];
  inheritEnv: boolean;
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
    mounts: [], env: [], inheritEnv: false, deterministic: false, traceSummary: false, diff: false, limits: {},
    allowOutsideSymlinks: false,
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
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const kind = OPTIONS[name];
    if (kind === undefined) throw new UsageError(`unknown option '${name}'`);
    let value: string | undefined = eq > 0 && name !== arg ? arg.slice(eq + 1) : undefined;
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
    case '--env': {
      const eq = value!.indexOf('=');
      if (eq <= 0) throw new UsageError(`option '--env ${value}': expected KEY=VALUE`);
      b.env.push([value!.slice(0, eq), value!.slice(eq + 1)]);
      return;
    }
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
