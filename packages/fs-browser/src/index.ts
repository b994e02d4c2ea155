export { readTree, writeTree, diffTrees, validatePath, type TreeEntry, type TreeDiff, type ReadTreeLimits } from './tree-io';
export type { TreeStore } from './store';
export { OpfsStore, opfsAvailable } from './opfs-store';
export { IndexedDbStore, indexedDbAvailable } from './indexeddb-store';
export {
  PersistentFileSystem,
  openBrowserStore,
  openPersistentFileSystem,
  type PersistentOptions,
  type StampClock,
  type BrowserStoreKind,
} from './persistent';
export { exportZip, importZip, importFiles, exportFiles, filesFromDrop, type PathedBlob, type ImportLimits } from './archive';
export { exportTar, importTar } from './tar';
export { OpfsFileSystem } from './opfs-fs';
