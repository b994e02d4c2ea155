// The browser entry of @vos/stdio: everything but the host-fd and Node-stream pieces (HostFdStream, hostStdio,
// WritableSink, readableContent), which need Node.js.
export { NullStream } from './null-stream';
export { BufferSource, type StdinContent } from './buffer-source';
export { CallbackSink, type OutputCallback } from './callback-sink';
export { CallbackSource, type StdinCallback } from './callback-source';
export { CollectorSink } from './collector-sink';
export {
  createStdio,
  createStdioAsync,
  isStream,
  type StdioSpec,
  type AsyncStdioSpec,
  type StdinSpec,
  type OutputSpec,
} from './create-stdio';
