export { HttpFileSystem, type HttpFileSystemOptions, type HttpStats, type FetchResponse } from './http-file-system';
export { checkManifest, MANIFEST_FORMAT, MANIFEST_NAME, type Manifest, type ManifestEntry } from './manifest';
export { writeManifest } from './manifest-node';
