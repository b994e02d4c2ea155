import { Errno } from './abi/errno';
import type { AbiLayout } from './abi/layouts';
import type { AdapterOptions } from './adapter';
import { FdTable } from './fdtable';
import { GuestMemory, utf8Length, writeUtf8 } from './memory';
import { PathWalker, Resolution } from './walker';
import { PATH_MAX, resolveLimits, type CoreLimits } from './limits';
import { newFileStat, type FileStat, type FsHandle, type Ref, type FileSystem } from './providers/fs';
import type { Clock } from './providers/clock';
import type { RandomSource } from './providers/random';
import type { Stdio } from './providers/stdio';

export interface WasiCoreConfig {
  readonly args: readonly string[];
  /** `KEY=VALUE` strings. */
  readonly env: readonly string[];
  readonly preopens: readonly { readonly guestPath: string; readonly fs: FileSystem }[];
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly stdio: Stdio;
  /** Called (and expected to throw) when a syscall runs before memory is bound. */
  readonly onNotStarted?: () => never;
  /**
   * A mount namespace: filesystems mounted at guest paths (one at `/` is required; nested mounts allowed), and
   * the namespace directories handed to the guest as preopens (default: `/`). Each preopen's label is its path.
   */
  readonly namespace?: {
    readonly mounts: readonly { readonly path: string; readonly fs: FileSystem }[];
    readonly preopens?: readonly string[];
    /**
     * Makes the filesystem at `/` when `mounts` has none there. Called only if the namespace needs its root: a
     * preopen or a mount point's parent directory that lies in it (a guest given only `/sandbox` never sees `/`).
     */
    readonly root?: () => FileSystem;
  };
  /** Cap on open fds (EMFILE past it); `limits.maxFds` says the same. */
  readonly maxFds?: number;
  /** Budgets of this world (see `CoreLimits`); each unset one keeps its default. */
  readonly limits?: Partial<CoreLimits>;
  /** How the import objects are built (tests force the interpreted adapter with `{ interpretOnly: true }`). */
  readonly adapter?: AdapterOptions;
}

/** NUL-terminated, concatenated UTF-8 strings and their offsets: what `args_get`/`environ_get` copy out. */
export class StringBlock {
  readonly bytes: Uint8Array;
  readonly offsets: number[] = [];
  constructor(readonly strings: readonly string[]) {
    // Built at the guest's first args/environ call, once per run, so this is cold code: plain index loops and
    // one array, with the strings written straight into it (no encoded copy of each).
    const n = strings.length;
    let total = 0;
    for (let i = 0; i < n; i++) total += utf8Length(strings[i]) + 1;
    const bytes = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < n; i++) {
      this.offsets.push(at);
      at += writeUtf8(strings[i], bytes, at) + 1;
    }
    this.bytes = bytes;
  }
}

// Shared by every instance that has no args or env, and the scratch buffer before first use: empty, never written.
const NO_BYTES = new Uint8Array(0);
const EMPTY_BLOCK = new StringBlock([]);

function stringBlock(strings: readonly string[]): StringBlock {
  return strings.length === 0 ? EMPTY_BLOCK : new StringBlock(strings);
}

/**
 * Per-instance state shared by the syscall families. Everything a syscall needs is a field here, resolved once
 * at construction: no container lookups, no allocation of scratch records on the call path.
 */
export class SyscallContext {
  readonly mem: GuestMemory;
  readonly fds: FdTable;
  /** The budgets of this world (`DEFAULT_LIMITS` itself unless the host set some). */
  readonly limits: CoreLimits;
  // The scratch records and the path machinery are made on first use: a guest that never touches a path or a
  // stat (and a live idle sandbox) does not carry them. Each is one object for the life of the instance, so
  // nothing is allocated per call. TypeScript-private fields, not `#` ones: a class with `#` fields runs an
  // extra initializer function at every construction (docs/decisions.md, "Class fields are assignments").
  private _stat: FileStat | null = null;
  private _walker: PathWalker | null = null;
  private _resA: Resolution | null = null;
  private _resB: Resolution | null = null;
  private _stat2: FileStat | null = null;
  private _handleRef: Ref<FsHandle | null> | null = null;
  private _stringRef: Ref<string> | null = null;
  private _args: StringBlock | null = null;
  private _env: StringBlock | null = null;
  get stat(): FileStat {
    return (this._stat ??= newFileStat());
  }
  get walker(): PathWalker {
    return (this._walker ??= new PathWalker(this.limits));
  }
  /** Two resolutions: path_link and path_rename hold two paths at once. */
  get resA(): Resolution {
    return (this._resA ??= new Resolution());
  }
  get resB(): Resolution {
    return (this._resB ??= new Resolution());
  }
  get stat2(): FileStat {
    return (this._stat2 ??= newFileStat());
  }
  get handleRef(): Ref<FsHandle | null> {
    return (this._handleRef ??= { value: null });
  }
  get stringRef(): Ref<string> {
    return (this._stringRef ??= { value: '' });
  }
  /** Times resolved by `resolveTimes` for the set-times calls (null = leave unchanged). */
  atim: bigint | null = null;
  mtim: bigint | null = null;
  /** The guest's argv and environment as `args_get`/`environ_get` copy them out (encoded at the first ask). */
  get args(): StringBlock {
    return (this._args ??= stringBlock(this.config.args));
  }
  get env(): StringBlock {
    return (this._env ??= stringBlock(this.config.env));
  }
  readonly clock: Clock;
  readonly random: RandomSource;
  /** Gather buffer for writes of several iovecs to a stream (one host write instead of many); grown on use. */
  scratch: Uint8Array = NO_BYTES;
  /** Total length of the iovec array the adapter checked last (what `fd_read`/`fd_write` transfer at most). */
  iovTotal = 0;

  constructor(
    private readonly config: WasiCoreConfig,
    readonly layout: AbiLayout,
    private readonly notStarted: () => never,
    /** Another context of the same instance (the other ABI) whose memory view and fd table this one shares. */
    shareWith?: SyscallContext,
  ) {
    this.limits = shareWith?.limits ?? resolveLimits(config.maxFds === undefined ? config.limits : { ...config.limits, maxFds: config.maxFds });
    this.mem = shareWith?.mem ?? new GuestMemory();
    this.fds = shareWith?.fds ?? new FdTable(this.limits.maxFds, this.limits.maxListingBytes);
    this.clock = config.clock;
    this.random = config.random;
  }

  /**
   * The command is over (`WasiCore.dispose`): buffers grown for its calls go, so a finished sandbox kept alive
   * holds none. A later call (a reactor's, after `close`) grows them again.
   */
  releaseScratch(): void {
    this.scratch = NO_BYTES;
  }

  /**
   * Start of every syscall: the memory view is bound and current. The common case is one length check (a view of
   * a live, unshared buffer; `memory.grow` detaches the old one, an unbound or released memory has the empty
   * view), and it is kept that small because V8 inlines it into every syscall's function, where its size counts
   * against one inlining budget with the rest of the call's path (docs/decisions.md, seq_io).
   */
  enter(): void {
    const mem = this.mem;
    if (mem.u8.length === 0 || mem.shared) this.enterSlowly();
  }

  private enterSlowly(): void {
    if (!this.mem.bound) this.notStarted();
    this.mem.refresh();
  }

  /**
   * Reads a guest path: EFAULT out of bounds, ENAMETOOLONG over PATH_MAX bytes (before decoding anything),
   * EILSEQ invalid UTF-8, EINVAL with a NUL byte.
   */
  readPath(ptr: number, len: number): string | Errno {
    const mem = this.mem;
    if (!mem.fits(ptr, len)) return Errno.FAULT;
    if (len > PATH_MAX) return Errno.NAMETOOLONG;
    const s = mem.readUtf8(ptr, len);
    if (s === null) return Errno.ILSEQ;
    if (s.indexOf('\0') !== -1) return Errno.INVAL;
    return s;
  }
}
