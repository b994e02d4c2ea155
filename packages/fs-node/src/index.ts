export {
  NodeFileSystem,
  createNodeFileSystem,
  nativeAcceleratorStatus,
  describeNodeFsPath,
  type NodeFileSystemOptions,
  type NodeFsAccelerator,
} from './node-file-system';
export { MAX_EXACT_TIMES } from './exact-times';
