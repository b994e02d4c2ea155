import * as fs from 'node:fs';
import { ERRNO_NAMES, Errno, HOST_CODE_TO_ERRNO, type FileSystem, type Stdio } from '@vos/core';
import { HostFdStream } from '@vos/stdio';
import { errUvwasiInit } from './errors';

/**
 * The platform seam of @vos/wasi: on Node.js, the default providers that touch the real host (ambient authority, asked for by name here and nowhere
 * else in this package). node:wasi checks the host side in `uvwasi_init`, at construction: a stdio fd that is
 * not open, a preopen that is missing or not a directory all throw `Error: UVWASI_E..., uvwasi_init`. We run
 * the same checks here, inside the default bindings, so a host that rebinds `TOKENS.Stdio` or
 * `TOKENS.HostDirectory` to something virtual is not checked against the real filesystem.
 * The browser build replaces this file with host.browser.ts (scripts/bundle.js).
 */

function uvwasiErrorFrom(err: unknown): Error {
  const code = (err as { code?: unknown } | null)?.code;
  const errno = (typeof code === 'string' && HOST_CODE_TO_ERRNO[code]) || Errno.IO;
  return errUvwasiInit(ERRNO_NAMES[errno], errno);
}

/**
 * A stream over host fd `fd`, failing like uvwasi when it is not open (EBADF). The check is the stream's own
 * probe (the fstat that tells a terminal from a pipe or a file), so each fd costs one system call.
 */
function checkedHostFd(fd: number): HostFdStream {
  const stream = new HostFdStream(fd);
  const err = stream.probeNow();
  if (err !== null) throw uvwasiErrorFrom(err);
  return stream;
}

/** The guest's fds 0-2 over host fds (node:wasi's `stdin`/`stdout`/`stderr` options), checked as uvwasi does. */
export function openHostStdio(stdin: number, stdout: number, stderr: number): Stdio {
  const inStream = checkedHostFd(stdin);
  const outStream = checkedHostFd(stdout);
  return { stdin: inStream, stdout: outStream, stderr: checkedHostFd(stderr) };
}

/**
 * A preopened host directory. Like uvwasi, the path is resolved once, now (`realpath`: relative to the current
 * directory, symlinks followed), so a later `chdir` or a swapped symlink does not move the sandbox root. This is
 * the one resolve per instance: `NodeFileSystem` does not resolve the canonical path again, its `/proc/self/fd`
 * read-back proves it canonical (docs/decisions.md, "fs-node: the root is resolved once").
 * Errors: UVWASI_ENOENT, UVWASI_ENOTDIR, UVWASI_EACCES, ... (the host errno, EIO if unknown).
 */
export function openHostDirectory(hostPath: string): FileSystem {
  let real: string;
  try {
    real = fs.realpathSync(hostPath);
    if (!fs.statSync(real).isDirectory()) return throwNotDir();
  } catch (err) {
    throw uvwasiErrorFrom(err);
  }
  return nodeFileSystems().createNodeFileSystem(real);
}

/** What a run gets when the options name no filesystem and no stdio (see host.browser.ts for a page's). */
export const PLATFORM_DEFAULTS = {
  /** An in-memory `/` when neither `preopens` nor `mounts` is given (node:wasi's default is no filesystem). */
  memoryRoot: false,
  /** stdout/stderr into `wasi.captured` when no stdio option is given (node:wasi's default is the host's 0-2). */
  captureStdio: false,
} as const;

/** `proc_exit` with `returnOnExit: false`: the host process ends with the guest's code. */
export function exitHostProcess(code: number): never {
  process.exit(code);
}

/**
 * @vos/fs-node, loaded at the first preopen: a run without host directories (an in-memory root, the CLI's
 * default) does not pay for loading it (cold start, see docs/decisions.md).
 */
function nodeFileSystems(): typeof import('@vos/fs-node') {
  return require('@vos/fs-node') as typeof import('@vos/fs-node');
}

function throwNotDir(): never {
  throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
}
