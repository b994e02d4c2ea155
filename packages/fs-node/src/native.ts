import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import { Errno, errnoFromHostError } from '@vos/core';

/**
 * The native accelerator's binding (native/vos_fs.c). Every call is synchronous and returns >= 0 on success or
 * -errno (Linux numbers); results go into typed arrays the caller owns.
 */
export interface NativeBinding {
  openat2(dirfd: number, path: string, oflags: number, mode: number, resolve: number, modeOut: Int32Array | null): number;
  fstatat(dirfd: number, path: string, flags: number, out: BigInt64Array): number;
  fstat(fd: number, out: BigInt64Array): number;
  mkdirat(dirfd: number, path: string, mode: number): number;
  unlinkat(dirfd: number, path: string, flags: number): number;
  renameat2(oldDirfd: number, oldPath: string, newDirfd: number, newPath: string, flags: number): number;
  linkat(oldDirfd: number, oldPath: string, newDirfd: number, newPath: string, flags: number): number;
  symlinkat(target: string, dirfd: number, path: string): number;
  readlinkat(dirfd: number, path: string, buf: Uint8Array): number;
  utimensat(dirfd: number, path: string | null, flags: number, aSec: number, aNsec: number, mSec: number, mNsec: number): number;
  getdents64(fd: number, buf: Uint8Array, rewind: number): number;
  pread(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  pwrite(fd: number, buf: Uint8Array, off: number, len: number, pos: number): number;
  preadv(fd: number, mem: Uint8Array, iovs: number, count: number, pos: number): number;
  pwritev(fd: number, mem: Uint8Array, iovs: number, count: number, pos: number): number;
  close(fd: number): number;
  readonly RESOLVE_BENEATH: number;
  readonly RESOLVE_NO_MAGICLINKS: number;
  readonly RESOLVE_NO_SYMLINKS: number;
  readonly AT_FDCWD: number;
  readonly AT_SYMLINK_NOFOLLOW: number;
  readonly AT_REMOVEDIR: number;
  readonly O_PATH: number;
  readonly ABI: number;
}

/** The binding's interface version this code was written against (native/vos_fs.c exports `ABI`). */
const EXPECTED_ABI = 1;

const ADDON = path.join('build', 'Release', 'vos_fs.node');

/**
 * Where `node-gyp rebuild` put the addon: `<package>/build/Release`. Found from this file (`src/` or `dist/`), else
 * through the installed package (when this code is inlined into another bundle, such as the `vos` command's).
 */
export function addonPath(): string | null {
  const candidates = [path.join(__dirname, '..', ADDON)];
  try {
    candidates.push(path.join(path.dirname(require.resolve('@vos/fs-node/package.json')), ADDON));
  } catch {
    // not installed as a package: only the first place
  }
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

/** The result of looking for the accelerator once per process: the binding, or why there is none. */
export interface NativeProbe {
  readonly binding: NativeBinding | null;
  readonly reason: string;
}

let probe: NativeProbe | undefined;

/**
 * Loads the addon and checks that this kernel has openat2 (Linux 5.6+, and not blocked by a seccomp filter).
 * Done once per process and kept, like `require`'s own cache: the result cannot change while the process runs.
 */
export function probeNative(): NativeProbe {
  probe ??= loadNative();
  return probe;
}

function loadNative(): NativeProbe {
  if (process.platform !== 'linux') return { binding: null, reason: `${process.platform} is not Linux` };
  const file = addonPath();
  if (file === null) return { binding: null, reason: 'the addon was not built at install' };
  let binding: NativeBinding;
  try {
    binding = require(file) as NativeBinding;
  } catch (err) {
    return { binding: null, reason: `the addon failed to load: ${String((err as Error).message).split('\n')[0]}` };
  }
  if (binding.ABI !== EXPECTED_ABI) return { binding: null, reason: `the addon is stale (ABI ${binding.ABI}, want ${EXPECTED_ABI}); rebuild it` };
  const fd = binding.openat2(binding.AT_FDCWD, '/', binding.O_PATH | fs.constants.O_DIRECTORY, 0, binding.RESOLVE_NO_MAGICLINKS, null);
  if (fd < 0) return { binding: null, reason: `openat2 is unavailable (${errnoText(-fd)})` };
  binding.close(fd);
  return { binding, reason: 'openat2 available' };
}

function errnoText(n: number): string {
  const name = Object.entries(osConstants.errno).find(([, v]) => v === n)?.[0];
  return name ?? `errno ${n}`;
}

/** Linux errno number -> WASI errno, built once from Node's own table (unknown numbers are EIO). */
const HOST_ERRNO = (() => {
  const table = new Uint16Array(4096).fill(Errno.IO);
  for (const [code, n] of Object.entries(osConstants.errno)) {
    if (n > 0 && n < table.length) table[n] = errnoFromHostError({ code });
  }
  return table;
})();

/** The WASI errno of a binding's result: SUCCESS for >= 0, the mapped errno for -errno. */
export function errnoOf(result: number): Errno {
  if (result >= 0) return Errno.SUCCESS;
  const n = -result;
  return (n > 0 && n < HOST_ERRNO.length ? HOST_ERRNO[n] : Errno.IO) as Errno;
}

/**
 * Which path a `NodeFileSystem` should take, from its option and the environment: `false`/`VOS_FS_NODE_NATIVE=0`
 * force the JavaScript path; `true`/`VOS_FS_NODE_NATIVE=1` demand the accelerator (an Error naming the option if
 * it is missing); otherwise it is used when present.
 */
export function chooseNative(option: boolean | undefined): NativeBinding | null {
  const env = process.env.VOS_FS_NODE_NATIVE;
  if (env !== undefined && env !== '' && env !== '0' && env !== '1') {
    throw new Error(`VOS_FS_NODE_NATIVE must be 0 or 1, not ${JSON.stringify(env)}`);
  }
  const wanted = option ?? (env === '0' ? false : env === '1' ? true : undefined);
  if (wanted === false) return null;
  const { binding, reason } = probeNative();
  if (binding === null && wanted === true) {
    throw new Error(
      `NodeFileSystem option "native" (or VOS_FS_NODE_NATIVE=1) asks for the native accelerator, but ${reason}`,
    );
  }
  return binding;
}
