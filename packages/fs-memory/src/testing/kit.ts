// Test-only helpers for this package's unit tests (excluded from the build): thin wrappers over the contract
// that assert success, so each test reads as the behaviour it checks.
import { Errno, errnoName, newFileStat, OpenFlags, type DirEntry, type FileStat, type FsHandle, type Ref } from '@vos/core';
import type { MemoryFileSystem } from '../memory-file-system';

export const { READ, WRITE, CREATE, EXCL, TRUNC, DIRECTORY, APPEND } = OpenFlags;
export const enc = new TextEncoder();
export const dec = new TextDecoder();

export function expectErrno(actual: number, expected: number): void {
  expect(errnoName(actual)).toBe(errnoName(expected));
}

/** A fake realtime clock: `now` returns `t`, which the test moves. Counts its reads. */
export class FakeClock {
  t = 1_000n;
  reads = 0;
  now(_id: 0): bigint {
    this.reads++;
    return this.t;
  }
}

export class Kit {
  readonly root: FsHandle;
  constructor(readonly fs: MemoryFileSystem) {
    const ref: Ref<FsHandle | null> = { value: null };
    expectErrno(fs.openRoot(ref), Errno.SUCCESS);
    this.root = ref.value as FsHandle;
  }

  open(dir: FsHandle, name: string, flags: number): FsHandle {
    const ref: Ref<FsHandle | null> = { value: null };
    expectErrno(this.fs.openAt(dir, name, flags, ref), Errno.SUCCESS);
    return ref.value as FsHandle;
  }

  openErrno(dir: FsHandle, name: string, flags: number): number {
    const ref: Ref<FsHandle | null> = { value: null };
    return this.fs.openAt(dir, name, flags, ref);
  }

  dir(name: string, dir: FsHandle = this.root): FsHandle {
    return this.open(dir, name, READ | DIRECTORY);
  }

  write(name: string, text: string | Uint8Array, dir: FsHandle = this.root): void {
    const h = this.open(dir, name, WRITE | CREATE | TRUNC);
    const bytes = typeof text === 'string' ? enc.encode(text) : text;
    expect(this.fs.write(h, bytes, 0, bytes.length, 0)).toBe(bytes.length);
    this.fs.close(h);
  }

  readHandle(h: FsHandle): string {
    const st = newFileStat();
    expectErrno(this.fs.stat(h, st), Errno.SUCCESS);
    const buf = new Uint8Array(Number(st.size));
    expect(this.fs.read(h, buf, 0, buf.length, 0)).toBe(buf.length);
    return dec.decode(buf);
  }

  read(name: string, dir: FsHandle = this.root): string {
    const h = this.open(dir, name, READ);
    try {
      return this.readHandle(h);
    } finally {
      this.fs.close(h);
    }
  }

  stat(name: string, dir: FsHandle = this.root): FileStat {
    const st = newFileStat();
    expectErrno(this.fs.statAt(dir, name, st), Errno.SUCCESS);
    return st;
  }

  statErrno(name: string, dir: FsHandle = this.root): number {
    return this.fs.statAt(dir, name, newFileStat());
  }

  names(dir: FsHandle = this.root): string[] {
    const out: DirEntry[] = [];
    expectErrno(this.fs.readdir(dir, out), Errno.SUCCESS);
    return out.map((e) => e.name);
  }
}
