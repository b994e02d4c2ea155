export { NodeFileSystem, createNodeFileSystem, type NodeFileSystemOptions } from './node-file-system';
