export { HostFdStream } from './host-fd-stream';
export { NullStream } from './null-stream';
export { hostStdio } from './host-stdio';
