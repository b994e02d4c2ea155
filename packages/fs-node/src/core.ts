// The one place this package names the core.
export { Errno, errnoFromHostError, Filetype, OpenFlags, DECLINED } from '@vos/core';
export type { DirEntry, FileStat, FileSystem, FsCapabilities, FsHandle, Ref } from '@vos/core';
