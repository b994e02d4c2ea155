import { Filetype, Rights, RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, RIGHTS_TTY } from './abi/constants';
import { Errno, errnoName } from './abi/errno';
import { PREVIEW1_LAYOUT, UNSTABLE_LAYOUT } from './abi/layouts';
import type { Preview1Syscalls, UnstableSyscalls } from './abi/functions';
import { SyscallContext, type WasiCoreConfig } from './context';
import { WasiNotStartedError } from './errors';
import { FdEntry, FdKind } from './fdtable';
import type { MemoryLike } from './memory';
import { preview1Imports } from './preview1';
import { unstableImports } from './unstable';
import type { Stream } from './providers/stdio';
import type { FsHandle } from './providers/fs';

export type WasiVersion = 'preview1' | 'unstable';

/**
 * Standard streams as wasmtime has them: stdin readable, stdout and stderr writable, never seekable (ESPIPE;
 * no seek/tell rights, which is also how wasi-libc's isatty tells a terminal).
 */
function streamEntry(stream: Stream, mode: number): FdEntry {
  const rights = (RIGHTS_TTY & ~(Rights.FD_READ | Rights.FD_WRITE)) | mode;
  const entry = new FdEntry(FdKind.Stream, stream.filetype, rights, 0, 0, null, null, stream);
  entry.mode = mode;
  return entry;
}

/**
 * One guest's WASI world: fds 0-2 from the stdio provider, then one fd per preopen, and the import objects of
 * both ABIs over the same state. Construct once per instance, `bindMemory` before the guest runs.
 */
export class WasiCore {
  private readonly p1Ctx: SyscallContext;
  private unstableCtx: SyscallContext | null = null;
  private p1: Preview1Syscalls | null = null;
  private readonly config: WasiCoreConfig;
  private readonly onNotStarted: () => never;
  private p0: UnstableSyscalls | null = null;

  constructor(config: WasiCoreConfig, readonly version: WasiVersion = 'preview1') {
    this.config = config;
    this.onNotStarted = config.onNotStarted ?? ((): never => { throw new WasiNotStartedError(); });
    this.p1Ctx = new SyscallContext(config, PREVIEW1_LAYOUT, this.onNotStarted);
    const fds = this.p1Ctx.fds;
    fds.insert(streamEntry(config.stdio.stdin, Rights.FD_READ));
    fds.insert(streamEntry(config.stdio.stdout, Rights.FD_WRITE));
    fds.insert(streamEntry(config.stdio.stderr, Rights.FD_WRITE));
    const ref = this.p1Ctx.handleRef;
    for (const { guestPath, fs } of config.preopens) {
      const errno = fs.openRoot(ref);
      if (errno !== Errno.SUCCESS) throw new Error(`vos: cannot open preopen ${JSON.stringify(guestPath)}: ${errnoName(errno)}`);
      const handle = ref.value as FsHandle;
      ref.value = null;
      fds.insert(new FdEntry(FdKind.Directory, Filetype.DIRECTORY, RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, 0, fs, handle, null, guestPath));
    }
  }

  /** Binds (or re-binds) the guest's exported memory. */
  bindMemory(memory: MemoryLike): void {
    this.p1Ctx.mem.bind(memory);
  }

  get memoryBound(): boolean {
    return this.p1Ctx.mem.bound;
  }

  get preview1(): Preview1Syscalls {
    return (this.p1 ??= preview1Imports(this.p1Ctx));
  }

  get unstable(): UnstableSyscalls {
    // One context per ABI, made on first use: they differ only in layout tables, and share memory and fds.
    this.unstableCtx ??= new SyscallContext(this.config, UNSTABLE_LAYOUT, this.onNotStarted, this.p1Ctx);
    return (this.p0 ??= unstableImports(this.unstableCtx));
  }

  /** The import functions for `version`. */
  imports(version: WasiVersion = this.version): Preview1Syscalls | UnstableSyscalls {
    return version === 'preview1' ? this.preview1 : this.unstable;
  }

  /** Closes every fd the guest holds (host stdio fds are never closed). */
  dispose(): void {
    this.p1Ctx.fds.closeAll();
  }
}
