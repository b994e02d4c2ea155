import { constants } from 'node:fs';
import { Errno, Filetype, type DirEntry, type FileStat } from '@vos/core';
import { errnoOf, type NativeBinding } from './native';
import { filetypeFromMode } from './host-stat';

const NS = 1_000_000_000n;
const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_LOSSY = new TextDecoder('utf-8');
const S_IFMT = constants.S_IFMT;
const S_IFLNK = constants.S_IFLNK;
/** d_type values of getdents64 (DT_*) as WASI filetypes; DT_UNKNOWN (0) needs an fstatat. */
const DT_FILETYPE: readonly Filetype[] = (() => {
  const t: Filetype[] = new Array(16).fill(Filetype.UNKNOWN);
  t[1] = Filetype.UNKNOWN; // DT_FIFO: no WASI filetype
  t[2] = Filetype.CHARACTER_DEVICE;
  t[4] = Filetype.DIRECTORY;
  t[6] = Filetype.BLOCK_DEVICE;
  t[8] = Filetype.REGULAR_FILE;
  t[10] = Filetype.SYMBOLIC_LINK;
  t[12] = Filetype.SOCKET_STREAM;
  return t;
})();
const DT_UNKNOWN = 0;
/** readlinkat's buffer: Linux link targets are shorter than PATH_MAX (4096). */
const LINK_BUFFER_BYTES = 4096;
/** getdents64's first buffer (grown x4 up to 1 MiB when one record does not fit). */
const DENTS_BUFFER_BYTES = 32 * 1024;

/**
 * The native path of `NodeFileSystem`: each operation is one (or, for an open, one plus an fstat in the same
 * crossing) `*at` syscall on the directory's own fd, through the addon. Names are resolved by the kernel inside
 * that directory inode; every open goes through openat2 with RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS |
 * RESOLVE_NO_SYMLINKS, so even a host that swaps a directory for a symlink mid-call cannot make the kernel leave
 * the directory (the walker, which follows links itself, is the first wall; this is the second).
 *
 * One instance per filesystem; its scratch arrays are reused by every call, so nothing is allocated per call
 * beyond the BigInts a `FileStat` holds and the strings a listing returns.
 */
export class NativeHost {
  /** openat2 resolve flags: never leave the directory, never cross a symlink or a /proc magic link. */
  readonly resolve: number;
  private readonly stat = new BigInt64Array(16);
  private readonly ustat = new BigUint64Array(this.stat.buffer);
  private readonly mode = new Int32Array(1);
  /**
   * readlinkat's and getdents64's buffers (4 KiB, 32 KiB) are made at the first readlink / listing, not here:
   * most sandboxes never list or read a link, and two off-heap buffers per filesystem made every instance of the
   * native path ~20 µs dearer than the JavaScript path's (more scavenges and mark-compacts for their external
   * memory; docs/benchmarks.md "Why hello_instantiate was slower on the native path").
   */
  private link: Uint8Array | null = null;
  private dents: DentsBuffer | null = null;

  constructor(readonly b: NativeBinding) {
    this.resolve = b.RESOLVE_BENEATH | b.RESOLVE_NO_MAGICLINKS | b.RESOLVE_NO_SYMLINKS;
  }

  /**
   * Opens `path` beneath `dirfd`; returns the fd or -errno, and (unless `knownType`) the st_mode in `lastMode`.
   * Linux reports O_NOFOLLOW|O_DIRECTORY on a symlink as ENOTDIR; callers that need ELOOP use `isSymlinkAt`.
   */
  open(dirfd: number, path: string, hostFlags: number, wantMode: boolean): number {
    return this.b.openat2(dirfd, path, hostFlags, 0o666, this.resolve, wantMode ? this.mode : null);
  }

  /** st_mode of the last `open` with `wantMode`. */
  get lastMode(): number {
    return this.mode[0];
  }

  isSymlinkAt(dirfd: number, name: string): boolean {
    return this.b.fstatat(dirfd, name, this.b.AT_SYMLINK_NOFOLLOW, this.stat) === 0 && (Number(this.stat[2]) & S_IFMT) === S_IFLNK;
  }

  statAt(dirfd: number, name: string, out: FileStat): Errno {
    const r = this.b.fstatat(dirfd, name, this.b.AT_SYMLINK_NOFOLLOW, this.stat);
    if (r < 0) return errnoOf(r);
    this.fill(out);
    return Errno.SUCCESS;
  }

  fstat(fd: number, out: FileStat): Errno {
    const r = this.b.fstat(fd, this.stat);
    if (r < 0) return errnoOf(r);
    this.fill(out);
    return Errno.SUCCESS;
  }

  /** Size of an open file, or -errno. */
  sizeOf(fd: number): number {
    const r = this.b.fstat(fd, this.stat);
    return r < 0 ? r : Number(this.stat[4]);
  }

  /**
   * Record layout (native/vos_fs.c): dev, ino, mode, nlink, size, atim, mtim, ctim as ns, then a bit set of the
   * times whose ns value did not fit in 64 bits, then each time as (sec, nsec) for those.
   */
  private fill(out: FileStat): void {
    const s = this.stat;
    const u = this.ustat;
    out.dev = u[0];
    out.ino = u[1];
    out.filetype = filetypeFromMode(Number(s[2]));
    out.nlink = u[3];
    out.size = u[4];
    const wide = Number(s[8]);
    out.atim = wide & 1 ? s[9] * NS + s[10] : s[5];
    out.mtim = wide & 2 ? s[11] * NS + s[12] : s[6];
    out.ctim = wide & 4 ? s[13] * NS + s[14] : s[7];
  }

  readlinkAt(dirfd: number, name: string, out: { value: string }): Errno {
    const link = (this.link ??= new Uint8Array(LINK_BUFFER_BYTES));
    const n = this.b.readlinkat(dirfd, name, link);
    if (n < 0) return errnoOf(n);
    if (n >= link.length) return Errno.NAMETOOLONG; // Linux link targets are < PATH_MAX (4096) bytes
    out.value = UTF8_LOSSY.decode(link.subarray(0, n));
    return Errno.SUCCESS;
  }

  mkdirAt(dirfd: number, name: string): Errno {
    return errnoOf(this.b.mkdirat(dirfd, name, 0o777));
  }

  symlinkAt(target: string, dirfd: number, name: string): Errno {
    return errnoOf(this.b.symlinkat(target, dirfd, name));
  }

  removeAt(dirfd: number, name: string, directory: boolean): Errno {
    return errnoOf(this.b.unlinkat(dirfd, name, directory ? this.b.AT_REMOVEDIR : 0));
  }

  renameAt(oldFd: number, oldName: string, newFd: number, newName: string): Errno {
    return errnoOf(this.b.renameat2(oldFd, oldName, newFd, newName, 0));
  }

  /** linkat without AT_SYMLINK_FOLLOW: a symlink source is linked itself, as link(2) on Linux. */
  linkAt(oldFd: number, oldName: string, newFd: number, newName: string): Errno {
    return errnoOf(this.b.linkat(oldFd, oldName, newFd, newName, 0));
  }

  /**
   * utimensat(AT_SYMLINK_NOFOLLOW) of `name` in `dirfd`, or futimens of `dirfd` itself when `name` is null, with
   * nanosecond precision and UTIME_OMIT for a `null` time: the other time is not touched at all.
   */
  setTimes(dirfd: number, name: string | null, atim: bigint | null, mtim: bigint | null): Errno {
    if (atim === null && mtim === null) {
      // Linux succeeds without looking when both are UTIME_OMIT; the contract still wants ENOENT for a missing name.
      if (name === null) return Errno.SUCCESS;
      const r = this.b.fstatat(dirfd, name, this.b.AT_SYMLINK_NOFOLLOW, this.stat);
      return r < 0 ? errnoOf(r) : Errno.SUCCESS;
    }
    let aSec = 0, aNsec = -1, mSec = 0, mNsec = -1;
    if (atim !== null) {
      aSec = Number(floorDiv(atim));
      aNsec = Number(atim - BigInt(aSec) * NS);
    }
    if (mtim !== null) {
      mSec = Number(floorDiv(mtim));
      mNsec = Number(mtim - BigInt(mSec) * NS);
    }
    return errnoOf(this.b.utimensat(dirfd, name, name === null ? 0 : this.b.AT_SYMLINK_NOFOLLOW, aSec, aNsec, mSec, mNsec));
  }

  // The transfers: a byte count, or -errno (WASI's). A negative position uses the fd's own offset (read/write(2),
  // which appends on an O_APPEND fd). `readv`/`writev` take wasm32 iovecs in `mem` (see `NativeBinding.preadv`).
  read(fd: number, buf: Uint8Array, off: number, len: number, position: number): number {
    return byteCount(this.b.pread(fd, buf, off, len, position));
  }
  write(fd: number, buf: Uint8Array, off: number, len: number, position: number): number {
    return byteCount(this.b.pwrite(fd, buf, off, len, position));
  }
  readv(fd: number, mem: Uint8Array, iovs: number, count: number, position: number): number {
    return byteCount(this.b.preadv(fd, mem, iovs, count, position));
  }
  writev(fd: number, mem: Uint8Array, iovs: number, count: number, position: number): number {
    return byteCount(this.b.pwritev(fd, mem, iovs, count, position));
  }

  close(fd: number): void {
    this.b.close(fd); // the fd is released even when close reports an error
  }

  /**
   * The whole directory through getdents64, from its start: inode and type come with each name (no lstat per
   * entry). A name that is not valid UTF-8 cannot be given to the guest: EILSEQ for the whole listing, as
   * wasmtime. A filesystem that does not fill d_type (DT_UNKNOWN) costs one fstatat for that entry.
   */
  readdir(fd: number, out: DirEntry[]): Errno {
    out.length = 0;
    let dents = (this.dents ??= dentsBuffer(DENTS_BUFFER_BYTES));
    let rewind = 1;
    for (;;) {
      const n = this.b.getdents64(fd, dents.buf, rewind);
      rewind = 0;
      if (n < 0) {
        // A directory removed by the host after it was opened: it is empty (getdents64 says ENOENT on Linux),
        // as the JavaScript path lists it through /proc/self/fd.
        if (n === -2 /* ENOENT */ && out.length === 0) return Errno.SUCCESS;
        if (n === -22 /* EINVAL: buffer too small for one record */ && dents.buf.length < 1 << 20) {
          dents = this.dents = dentsBuffer(dents.buf.length * 4);
          rewind = 1;
          out.length = 0;
          continue;
        }
        out.length = 0;
        return errnoOf(n);
      }
      if (n === 0) return Errno.SUCCESS;
      const { buf, view } = dents;
      for (let p = 0; p < n; ) {
        const reclen = view.getUint16(p + 16, true);
        const start = p + 19;
        let end = start;
        while (buf[end] !== 0) end++;
        const len = end - start;
        const dot = buf[start] === 0x2e && (len === 1 || (len === 2 && buf[start + 1] === 0x2e));
        if (!dot) {
          let name: string;
          try {
            name = UTF8.decode(buf.subarray(start, end));
          } catch {
            out.length = 0;
            return Errno.ILSEQ;
          }
          const dtype = buf[p + 18];
          let filetype = DT_FILETYPE[dtype & 15];
          if (dtype === DT_UNKNOWN) {
            const r = this.b.fstatat(fd, name, this.b.AT_SYMLINK_NOFOLLOW, this.stat);
            if (r < 0) {
              p += reclen;
              continue; // removed since the listing
            }
            filetype = filetypeFromMode(Number(this.stat[2]));
          }
          out.push({ name, ino: view.getBigUint64(p, true), filetype });
        }
        p += reclen;
      }
    }
  }
}

/** getdents64's buffer and the view that reads its records. */
interface DentsBuffer {
  readonly buf: Uint8Array;
  readonly view: DataView;
}

function dentsBuffer(bytes: number): DentsBuffer {
  const buf = new Uint8Array(bytes);
  return { buf, view: new DataView(buf.buffer) };
}

/** A binding's byte count as the contract wants it: the count, or the negated WASI errno of its -errno. */
function byteCount(n: number): number {
  return n < 0 ? -errnoOf(n) : n;
}

/** Whole seconds of a ns time, rounded towards -infinity (so the ns part is never negative). */
function floorDiv(ns: bigint): bigint {
  const q = ns / NS;
  return ns < 0n && q * NS !== ns ? q - 1n : q;
}
