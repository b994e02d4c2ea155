export {
  MemoryFileSystem,
  DEFAULT_MEMORY_QUOTA,
  ENTRY_COST,
  type MemoryFileSystemOptions,
  type ToHostDirectoryOptions,
  type MemoryQuota,
  type MemoryUsage,
} from './memory-file-system';
export type { DataCounters } from './file-data';
export { isSymlinkEntry, type MemorySymlink, type MemoryTree, type MemoryTreeEntry, type ToObjectOptions } from './tree';
