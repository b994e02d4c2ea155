import { Errno } from './abi/errno';
import { utf8Length } from './memory';

/**
 * The one name check and the one plain-path check. The walker applies them to every component before a backend
 * sees it (so a backend only ever gets valid names), and backends that re-check defensively import these rather
 * than keeping copies.
 */

/** Longest path component in bytes (NAME_MAX): longer is ENAMETOOLONG on every backend, as on a real disk. */
export const NAME_MAX = 255;

/** Whether a component is over NAME_MAX bytes (only long strings can be: a UTF-16 unit is at most 3 bytes). */
export function nameTooLong(name: string): boolean {
  return name.length > NAME_MAX / 3 && utf8Length(name) > NAME_MAX;
}

/**
 * A single name a backend may be handed: not empty (ENOENT), not `..` and without `/` (ENOTCAPABLE: it would
 * leave the directory), without NUL (EINVAL: no host can store it), at most NAME_MAX bytes (ENAMETOOLONG). `.`
 * passes: it is the directory itself, where the contract allows it.
 */
export function checkName(name: string): Errno {
  if (name.length === 0) return Errno.NOENT;
  if (name === '..' || name.indexOf('/') !== -1) return Errno.NOTCAPABLE;
  if (name.indexOf('\0') !== -1) return Errno.INVAL;
  if (nameTooLong(name)) return Errno.NAMETOOLONG;
  return Errno.SUCCESS;
}

/**
 * Names joined by single slashes, each one valid by `checkName` and none of them `.` or `..`, without a leading
 * or trailing slash: what the fast paths (`openPath`, `openDirPath`) may be given.
 */
export function isPlainPath(path: string): boolean {
  const n = path.length;
  if (n === 0 || path.indexOf('\0') !== -1) return false;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    if (i < n && path.charCodeAt(i) !== 0x2f) continue;
    const len = i - start;
    if (len === 0) return false;
    if (path.charCodeAt(start) === 0x2e /* . */ && (len === 1 || (len === 2 && path.charCodeAt(start + 1) === 0x2e))) return false;
    if (len > NAME_MAX / 3 && nameTooLong(path.slice(start, i))) return false;
    start = i + 1;
  }
  return true;
}
