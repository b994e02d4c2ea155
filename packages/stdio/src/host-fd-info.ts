import * as fs from 'node:fs';

const POS_LINE = /^pos:\s*(\d+)/m;
const FLAGS_LINE = /^flags:\s*([0-7]+)/m;
/** O_NONBLOCK as /proc shows it (octal 04000 on Linux, all architectures Node supports). */
const O_NONBLOCK = 0o4000;

/**
 * What Node cannot ask of a host fd (it has no `lseek` and no `fcntl`), read from /proc/self/fdinfo on Linux.
 * Only `poll_oneoff` readiness uses these, never the read/write path, so reading a small file is fine.
 * Elsewhere (no /proc) every answer is "unknown".
 */
function fdinfo(fd: number): string | null {
  try {
    return fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1');
  } catch {
    return null;
  }
}

/** The kernel file offset of `fd`, or -1 when unknown. */
export function hostFdOffset(fd: number): number {
  const info = fdinfo(fd);
  const m = info === null ? null : POS_LINE.exec(info);
  return m ? Number(m[1]) : -1;
}

/** Whether `fd` is in non-blocking mode: 1 yes, 0 no, -1 unknown. */
export function hostFdNonBlocking(fd: number): number {
  const info = fdinfo(fd);
  const m = info === null ? null : FLAGS_LINE.exec(info);
  if (!m) return -1;
  return parseInt(m[1], 8) & O_NONBLOCK ? 1 : 0;
}
