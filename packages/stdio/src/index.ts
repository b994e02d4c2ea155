// The Node.js entry of @vos/stdio: everything the browser entry has, and the pieces that need Node.js.
export * from './index.browser';
export { HostFdStream } from './host-fd-stream';
export { hostStdio } from './host-stdio';
export { WritableSink } from './writable-sink';
export { readableContent } from './readable-content';
