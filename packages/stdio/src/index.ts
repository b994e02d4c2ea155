export { HostFdStream } from './host-fd-stream';
export { NullStream } from './null-stream';
export { hostStdio } from './host-stdio';
export { BufferSource, type StdinContent } from './buffer-source';
export { CallbackSink, type OutputCallback } from './callback-sink';
export { CallbackSource, type StdinCallback } from './callback-source';
export { CollectorSink } from './collector-sink';
export { WritableSink } from './writable-sink';
export { readableContent } from './readable-content';
export {
  createStdio,
  createStdioAsync,
  isStream,
  type StdioSpec,
  type AsyncStdioSpec,
  type StdinSpec,
  type OutputSpec,
} from './create-stdio';
