/**
 * Populating a filesystem through the provider contract, for the builders (`fromObject`, `fromHostDirectory`).
 * These are host-side setup APIs, not guest calls: a failure (a quota hit, a bad name) throws an Error naming
 * the path and the errno, instead of leaving a half-built tree unnoticed.
 */
import { Errno, errnoName, OpenFlags, type FileSystem, type FsHandle, type Ref } from '@vos/core';

const { WRITE, CREATE, EXCL, DIRECTORY, READ } = OpenFlags;

export class TreeBuilder {
  private readonly ref: Ref<FsHandle | null> = { value: null };

  constructor(
    private readonly fs: FileSystem,
    private readonly what: string,
  ) {}

  root(): FsHandle {
    this.check(this.fs.openRoot(this.ref), '.');
    return this.ref.value as FsHandle;
  }

  /** Creates directory `name` in `dir` and returns an open handle on it (close it with `close`). */
  mkdir(dir: FsHandle, name: string, path: string): FsHandle {
    this.check(this.fs.mkdirAt(dir, name), path);
    this.check(this.fs.openAt(dir, name, READ | DIRECTORY, this.ref), path);
    return this.ref.value as FsHandle;
  }

  file(dir: FsHandle, name: string, bytes: Uint8Array, path: string): void {
    this.check(this.fs.openAt(dir, name, WRITE | CREATE | EXCL, this.ref), path);
    const h = this.ref.value as FsHandle;
    try {
      const n = this.fs.write(h, bytes, 0, bytes.length, 0);
      if (n < 0) this.check(-n, path);
    } finally {
      this.fs.close(h);
    }
  }

  /** Creates the empty file `name` in `dir` and returns a handle open for writing (close it with `close`). */
  create(dir: FsHandle, name: string, path: string): FsHandle {
    this.check(this.fs.openAt(dir, name, WRITE | CREATE | EXCL, this.ref), path);
    return this.ref.value as FsHandle;
  }

  /** Sets the size of an open file (EFBIG past the backend's limit, a bigint so huge host sizes stay exact). */
  truncate(h: FsHandle, size: bigint, path: string): void {
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) this.check(Errno.FBIG, path);
    this.check(this.fs.truncate(h, Number(size)), path);
  }

  write(h: FsHandle, bytes: Uint8Array, position: number, path: string): void {
    const n = this.fs.write(h, bytes, 0, bytes.length, position);
    if (n < 0) this.check(-n, path);
  }

  symlink(dir: FsHandle, name: string, target: string, path: string): void {
    this.check(this.fs.symlinkAt(target, dir, name), path);
  }

  link(fromDir: FsHandle, fromName: string, dir: FsHandle, name: string, path: string): void {
    this.check(this.fs.linkAt(fromDir, fromName, dir, name), path);
  }

  times(dir: FsHandle, name: string, atim: bigint, mtim: bigint, path: string): void {
    this.check(this.fs.setTimesAt(dir, name, atim, mtim), path);
  }

  close(h: FsHandle): void {
    this.fs.close(h);
  }

  private check(errno: number, path: string): void {
    if (errno !== Errno.SUCCESS) throw new Error(`${this.what}: ${path}: ${errnoName(errno)}`);
  }
}
