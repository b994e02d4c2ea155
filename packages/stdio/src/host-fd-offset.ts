import * as fs from 'node:fs';

const POS_LINE = /^pos:\s*(\d+)/m;

/**
 * The kernel file offset of a host fd, or -1 when it cannot be read. Node has no `lseek`; on Linux the offset
 * is visible in /proc/self/fdinfo. Used only by `seek` (never on the read/write path), so the file read is fine.
 */
export function hostFdOffset(fd: number): number {
  try {
    const match = POS_LINE.exec(fs.readFileSync(`/proc/self/fdinfo/${fd}`, 'latin1'));
    return match ? Number(match[1]) : -1;
  } catch {
    return -1;
  }
}
