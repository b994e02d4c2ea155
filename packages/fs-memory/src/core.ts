// The one place this package names the core. Values are copied into plain constants once: a CommonJS re-export
// is a getter, and `Errno.X` through two levels of getters shows up in the profile of every syscall.
import * as core from '@vos/core';

export const Errno = core.Errno;
export type Errno = core.Errno;
export const Filetype = core.Filetype;
export type Filetype = core.Filetype;
export const OpenFlags = core.OpenFlags;
export const DECLINED = core.DECLINED;
export const utf8Length = core.utf8Length;
export const errnoName = core.errnoName;
export type { DirEntry, FileStat, FileSystem, FsCapabilities, FsHandle, Ref } from '@vos/core';
