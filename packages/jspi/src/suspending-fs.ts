/**
 * A synchronous `FileSystem` over an asynchronous one, for the JSPI path: each method goes through the bridge
 * (see bridge.ts), which answers from the current syscall's record, calls the backend, or suspends the guest
 * while the backend's promise settles. Out records given to the backend are the facade's own (a suspended
 * attempt's records may be reused by the core before the promise settles); results are copied into the caller's.
 */
import {
  Errno,
  OpenFlags,
  type DirEntry,
  type FileStat,
  type FileSystem,
  type Filetype,
  type FsCapabilities,
  type FsHandle,
  type Ref,
} from '@vos/core';
import type { AsyncFileSystem } from './async-fs';
import { freshStat, outcome, type JspiBridge } from './bridge';

export class SuspendingFileSystem implements FileSystem {
  readonly capabilities: FsCapabilities;

  constructor(
    private readonly bridge: JspiBridge,
    private readonly inner: AsyncFileSystem,
  ) {
    this.capabilities = inner.capabilities;
  }

  /**
   * Awaits, ahead, the calls the core makes on a mount while it is built (outside any guest call, where JSPI
   * cannot wait): opening the root, and opening it again as a preopened directory.
   */
  async prepareMount(): Promise<void> {
    const root: Ref<FsHandle | null> = { value: null };
    const errno = await this.inner.openRoot(root);
    this.bridge.prepare(this.key('openRoot', null), { result: errno, ref: root.value });
    if (errno !== Errno.SUCCESS) return;
    const dir: Ref<FsHandle | null> = { value: null };
    const flags = OpenFlags.READ | OpenFlags.DIRECTORY;
    const errno2 = await this.inner.openAt(root.value as FsHandle, '.', flags, dir);
    this.bridge.prepare(this.key('openAt', root.value, '.', flags), { result: errno2, ref: dir.value });
  }

  private key(method: string, h: FsHandle | null, ...rest: (string | number | bigint | null)[]): string {
    return `${method}|${h === null ? '' : this.bridge.id(h)}|${rest.join('|')}`;
  }

  openRoot(out: Ref<FsHandle | null>): Errno {
    const scratch: Ref<FsHandle | null> = { value: null };
    return this.bridge.call<any>(this.key('openRoot', null), () => this.inner.openRoot(scratch), outcome.withRef(scratch), outcome.applyRef(out));
  }

  statAt(dir: FsHandle, name: string, out: FileStat): Errno {
    const st = freshStat();
    return this.bridge.call<any>(this.key('statAt', dir, name), () => this.inner.statAt(dir, name, st), outcome.withStat(st), outcome.applyStat(out));
  }

  openAt(dir: FsHandle, name: string, flags: number, out: Ref<FsHandle | null>): Errno {
    const scratch: Ref<FsHandle | null> = { value: null };
    return this.bridge.call<any>(this.key('openAt', dir, name, flags), () => this.inner.openAt(dir, name, flags, scratch), outcome.withRef(scratch), outcome.applyRef(out));
  }

  readlinkAt(dir: FsHandle, name: string, out: Ref<string>): Errno {
    const scratch: Ref<string> = { value: '' };
    return this.bridge.call<any>(this.key('readlinkAt', dir, name), () => this.inner.readlinkAt(dir, name, scratch), outcome.withRef(scratch), outcome.applyRef(out));
  }

  mkdirAt(dir: FsHandle, name: string): Errno {
    return this.bridge.call<any>(this.key('mkdirAt', dir, name), () => this.inner.mkdirAt(dir, name), outcome.plain, outcome.result);
  }

  symlinkAt(target: string, dir: FsHandle, name: string): Errno {
    return this.bridge.call<any>(this.key('symlinkAt', dir, name, target), () => this.inner.symlinkAt(target, dir, name), outcome.plain, outcome.result);
  }

  unlinkAt(dir: FsHandle, name: string): Errno {
    return this.bridge.call<any>(this.key('unlinkAt', dir, name), () => this.inner.unlinkAt(dir, name), outcome.plain, outcome.result);
  }

  rmdirAt(dir: FsHandle, name: string): Errno {
    return this.bridge.call<any>(this.key('rmdirAt', dir, name), () => this.inner.rmdirAt(dir, name), outcome.plain, outcome.result);
  }

  renameAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.bridge.call<any>(
      this.key('renameAt', oldDir, oldName, this.bridge.id(newDir), newName),
      () => this.inner.renameAt(oldDir, oldName, newDir, newName),
      outcome.plain,
      outcome.result,
    );
  }

  linkAt(oldDir: FsHandle, oldName: string, newDir: FsHandle, newName: string): Errno {
    return this.bridge.call<any>(
      this.key('linkAt', oldDir, oldName, this.bridge.id(newDir), newName),
      () => this.inner.linkAt(oldDir, oldName, newDir, newName),
      outcome.plain,
      outcome.result,
    );
  }

  setTimesAt(dir: FsHandle, name: string, atim: bigint | null, mtim: bigint | null): Errno {
    return this.bridge.call<any>(this.key('setTimesAt', dir, name, timeKey(atim, mtim)), () => this.inner.setTimesAt(dir, name, atim, mtim), outcome.plain, outcome.result);
  }

  typeOf(h: FsHandle): Filetype {
    return this.inner.typeOf(h);
  }

  close(h: FsHandle): void {
    this.bridge.close(h, () => this.inner.close(h));
  }

  stat(h: FsHandle, out: FileStat): Errno {
    const st = freshStat();
    return this.bridge.call<any>(this.key('stat', h), () => this.inner.stat(h, st), outcome.withStat(st), outcome.applyStat(out));
  }

  read(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    let scratch: Uint8Array | null = null;
    return this.bridge.call<any>(
      this.key('read', h, off, len, position),
      () => this.inner.read(h, (scratch = new Uint8Array(len)), 0, len, position),
      (n: number) => ({ result: n, bytes: n > 0 ? (scratch as Uint8Array).subarray(0, n) : undefined }),
      (o) => {
        if (o.bytes) buf.set(o.bytes, off);
        return o.result as number;
      },
    );
  }

  write(h: FsHandle, buf: Uint8Array, off: number, len: number, position: number): number {
    // The guest is suspended while the backend writes, so its memory cannot change under the promise.
    return this.bridge.call<any>(this.key('write', h, off, len, position), () => this.inner.write(h, buf, off, len, position), outcome.plain, outcome.result);
  }

  truncate(h: FsHandle, size: number): Errno {
    return this.bridge.call<any>(this.key('truncate', h, size), () => this.inner.truncate(h, size), outcome.plain, outcome.result);
  }

  setTimes(h: FsHandle, atim: bigint | null, mtim: bigint | null): Errno {
    return this.bridge.call<any>(this.key('setTimes', h, timeKey(atim, mtim)), () => this.inner.setTimes(h, atim, mtim), outcome.plain, outcome.result);
  }

  sync(h: FsHandle, dataOnly: boolean): Errno {
    return this.bridge.call<any>(this.key('sync', h, dataOnly ? 1 : 0), () => this.inner.sync(h, dataOnly), outcome.plain, outcome.result);
  }

  allocate(h: FsHandle, offset: number, len: number): Errno {
    return this.bridge.call<any>(this.key('allocate', h, offset, len), () => this.inner.allocate(h, offset, len), outcome.plain, outcome.result);
  }

  readdir(h: FsHandle, out: DirEntry[]): Errno {
    const scratch: DirEntry[] = [];
    return this.bridge.call<any>(
      this.key('readdir', h),
      () => this.inner.readdir(h, scratch),
      (r: Errno) => ({ result: r, entries: scratch.map((e) => ({ ...e })) }),
      (o) => {
        out.length = 0;
        if (o.entries) for (const e of o.entries) out.push({ ...e });
        return o.result as Errno;
      },
    );
  }
}

/**
 * Times are not part of a call's key: a time the core resolved from `NOW` is read from the clock again in each
 * attempt, so it differs between an attempt and its replay. Which times are set (and which left alone) is
 * enough to match the call; the replay answers with the errno of the call that was made.
 */
function timeKey(atim: bigint | null, mtim: bigint | null): string {
  return `${atim === null ? '-' : 'a'}${mtim === null ? '-' : 'm'}`;
}
