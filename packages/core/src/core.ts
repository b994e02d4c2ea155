import { Filetype, Rights, RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, RIGHTS_TTY } from './abi/constants';
import { Errno, errnoName } from './abi/errno';
import { PREVIEW1_LAYOUT, UNSTABLE_LAYOUT } from './abi/layouts';
import type { Preview1Syscalls, UnstableSyscalls } from './abi/functions';
import { SyscallContext, type WasiCoreConfig } from './context';
import { WasiNotStartedError } from './errors';
import { directoryFd, FdKind, streamFd } from './fdtable';
import type { GuestMemory, MemoryLike } from './memory';
import { preview1Imports } from './preview1';
import { unstableImports } from './unstable';
import type { Stream } from './providers/stdio';
import { OpenFlags, type FileSystem, type FsHandle } from './providers/fs';
import { Namespace, normalizeMountPath, type Mount } from './namespace';
import type { Resolution } from './walker';

const ROOT_ONLY: readonly string[] = ['/'];
const NO_MOUNTS: readonly Mount[] = [];

export type WasiVersion = 'preview1' | 'unstable';

/**
 * Standard streams as wasmtime has them: stdin readable, stdout and stderr writable, never seekable (ESPIPE;
 * no seek/tell rights, which is also how wasi-libc's isatty tells a terminal). Computed once, not per sandbox.
 */
const STREAM_RIGHTS = RIGHTS_TTY & ~(Rights.FD_READ | Rights.FD_WRITE);
const STDIN_RIGHTS = STREAM_RIGHTS | Rights.FD_READ;
const STDOUT_RIGHTS = STREAM_RIGHTS | Rights.FD_WRITE;

/**
 * One guest's WASI world: fds 0-2 from the stdio provider, then one fd per preopen, and the import objects of
 * both ABIs over the same state. Construct once per instance, `bindMemory` before the guest runs.
 */
export class WasiCore {
  private readonly p1Ctx: SyscallContext;
  private unstableCtx: SyscallContext | null = null;
  private p1: Preview1Syscalls | null = null;
  /** The mount namespace, when the host gave one. */
  namespace: Namespace | null = null;
  private readonly config: WasiCoreConfig;
  private readonly stdio: WasiCoreConfig['stdio'];
  private readonly onNotStarted: () => never;
  private p0: UnstableSyscalls | null = null;

  constructor(config: WasiCoreConfig, readonly version: WasiVersion = 'preview1') {
    this.config = config;
    this.stdio = config.stdio;
    this.onNotStarted = config.onNotStarted ?? ((): never => { throw new WasiNotStartedError(); });
    this.p1Ctx = new SyscallContext(config, PREVIEW1_LAYOUT, this.onNotStarted);
    const fds = this.p1Ctx.fds;
    fds.insert(streamFd(config.stdio.stdin, STDIN_RIGHTS, Rights.FD_READ));
    fds.insert(streamFd(config.stdio.stdout, STDOUT_RIGHTS, Rights.FD_WRITE));
    fds.insert(streamFd(config.stdio.stderr, STDOUT_RIGHTS, Rights.FD_WRITE));
    try {
      this.openPreopens(config);
    } catch (err) {
      this.dispose(); // a host error part-way must not leave the directories opened so far (host fds) behind
      throw err;
    }
  }

  private openPreopens(config: WasiCoreConfig): void {
    const fds = this.p1Ctx.fds;
    const ref = this.p1Ctx.handleRef;
    if (config.namespace !== undefined) this.openNamespace(config.namespace);
    for (const { guestPath, fs } of config.preopens) {
      const errno = fs.openRoot(ref);
      if (errno !== Errno.SUCCESS) throw new Error(`vos: cannot open preopen ${JSON.stringify(guestPath)}: ${errnoName(errno)}`);
      const handle = ref.value as FsHandle;
      ref.value = null;
      if (fds.insert(directoryFd(RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, fs, handle, guestPath)) < 0) {
        fs.close(handle);
        throw new Error(`vos: more preopens than the fd limit (${fds.maxFds}) allows`);
      }
    }
  }

  /**
   * Builds the namespace, makes sure every mount point's parent directories exist (creating them where the
   * parent filesystem allows, as container runtimes do), and preopens the requested namespace directories.
   * A mount that cannot be attached is a host error naming it. A preopen that is a mount point is that
   * filesystem's root, opened directly; other paths are walked from the deepest mount above them, so the
   * default root is made only when a path lies in it.
   */
  private openNamespace(spec: NonNullable<WasiCoreConfig['namespace']>): void {
    const ns = new Namespace(spec.mounts, spec.root);
    this.namespace = ns;
    const ctx = this.p1Ctx;
    // Mount points directly in `/` need no parent made (the usual case: no list of the mounts to sort).
    for (const mount of ns.nested ? ns.all() : NO_MOUNTS) {
      // Parent directories from the deepest mount above the mount point (prefixes that are mounts exist).
      const path = mount.path;
      for (let at = path.indexOf('/', 1); at !== -1; at = path.indexOf('/', at + 1)) {
        const prefix = path.slice(0, at);
        if (ns.mountAt(prefix) !== undefined) continue;
        const res = ctx.resA;
        let errno = this.resolveInNamespace(ns, prefix, res);
        if (errno === Errno.SUCCESS && !res.atMount) {
          const st = res.fs.statAt(res.dir, res.name, ctx.stat);
          if (st === Errno.NOENT) errno = res.fs.mkdirAt(res.dir, res.name);
          else if (st !== Errno.SUCCESS) errno = st;
          else if (ctx.stat.filetype !== Filetype.DIRECTORY) {
            res.release();
            throw new Error(`vos: cannot attach the mount at ${path}: ${prefix} is not a directory`);
          }
        }
        res.release();
        if (errno !== Errno.SUCCESS) {
          throw new Error(`vos: cannot attach the mount at ${path}: creating ${prefix} failed with ${errnoName(errno)}`);
        }
      }
    }
    const ref = ctx.handleRef;
    for (const path of spec.preopens ?? ROOT_ONLY) {
      const nsPath = normalizeMountPath(path);
      let errno: Errno;
      let fs: FileSystem;
      const mount = nsPath === '/' ? ns.root : ns.mountAt(nsPath);
      if (mount !== undefined) {
        fs = mount.fs;
        errno = fs.openAt(mount.root, '.', OpenFlags.READ | OpenFlags.DIRECTORY, ref);
      } else {
        const res = ctx.resA;
        errno = this.resolveInNamespace(ns, nsPath, res);
        if (errno === Errno.SUCCESS) errno = res.fs.openAt(res.dir, res.name, OpenFlags.READ | OpenFlags.DIRECTORY, ref);
        fs = res.fs;
        res.release();
      }
      if (errno !== Errno.SUCCESS) throw new Error(`vos: cannot preopen ${nsPath}: ${errnoName(errno)}`);
      const entry = directoryFd(RIGHTS_DIRECTORY, RIGHTS_DIRECTORY_INHERITING, fs, ref.value as FsHandle, nsPath);
      ref.value = null;
      entry.ns = ns;
      entry.nsPath = nsPath;
      ctx.fds.insert(entry);
    }
  }

  /**
   * Walks the namespace path `nsPath` (normalised, not `/`) from the deepest mount strictly above it, as a walk
   * from `/` would get there (it enters each mount it crosses), without touching the filesystems above that mount.
   */
  private resolveInNamespace(ns: Namespace, nsPath: string, res: Resolution): Errno {
    let base = nsPath;
    let mount: Mount | undefined;
    do {
      const cut = base.lastIndexOf('/');
      base = cut === 0 ? '/' : base.slice(0, cut);
      mount = base === '/' ? ns.root : ns.mountAt(base);
    } while (mount === undefined);
    const rel = nsPath.slice(base === '/' ? 1 : base.length + 1);
    return this.p1Ctx.walker.resolve(mount.fs, mount.root, rel, res, ns, mount.path);
  }

  /** Binds (or re-binds) the guest's exported memory (`buffer`: its `buffer`, if the caller has just read it). */
  bindMemory(memory: MemoryLike, buffer?: ArrayBufferLike): void {
    this.p1Ctx.mem.bind(memory, buffer);
  }

  /** A readable description of a guest fd (its path, or stdin/stdout/stderr), for traces; '' if not open. */
  describeFd(fd: number): string {
    const entry = this.p1Ctx.fds.peek(fd);
    if (entry === undefined) return '';
    if (entry.kind === FdKind.Stream) return entry.stream === this.stdio.stdin ? 'stdin' : entry.stream === this.stdio.stdout ? 'stdout' : entry.stream === this.stdio.stderr ? 'stderr' : 'stream';
    return entry.describe();
  }

  /** The guest memory view (bounds-checked reads for tracing and host tools). */
  get memory(): GuestMemory {
    return this.p1Ctx.mem;
  }

  get memoryBound(): boolean {
    return this.p1Ctx.mem.bound;
  }

  get preview1(): Preview1Syscalls {
    return (this.p1 ??= preview1Imports(this.p1Ctx, this.config.adapter));
  }

  get unstable(): UnstableSyscalls {
    // One context per ABI, made on first use: they differ only in layout tables, and share memory and fds.
    this.unstableCtx ??= new SyscallContext(this.config, UNSTABLE_LAYOUT, this.onNotStarted, this.p1Ctx);
    return (this.p0 ??= unstableImports(this.unstableCtx, this.config.adapter));
  }

  /** The import functions for `version`. */
  imports(version: WasiVersion = this.version): Preview1Syscalls | UnstableSyscalls {
    return version === 'preview1' ? this.preview1 : this.unstable;
  }

  /** Closes every fd the guest holds (host stdio fds are never closed), and the mount roots. */
  dispose(): void {
    this.p1Ctx.fds.closeAll();
    this.p1Ctx.releaseScratch();
    this.unstableCtx?.releaseScratch();
    this.p1Ctx.mem.releaseViews();
    this.namespace?.closeRoots();
    this.namespace = null;
  }
}
