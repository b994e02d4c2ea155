// The browser build: the node-free half (the channel, the proxies, the guest runner). A page or a Web Worker
// entry builds its own runner on these (a Web Worker, its WorkerPlatform); see docs/worker.md.
export type { GuestStart, GuestReport, RunOutcome, Limit, FsDescriptor, StreamDescriptor } from './protocol';
export { capModuleMemory, MemoryCapError, MEMORY_CAP_GLOBAL, type CappedModule } from './limits';
export { ChannelClient } from './channel/client';
export { ChannelServer, type ServedWorld, type ChannelServerOptions } from './channel/server';
export { ChannelFileSystem, ChannelStream, ChannelClock, ChannelRandom, channelControl } from './channel/proxies';
export { createChannelBuffer, DEFAULT_DATA_BYTES, Op } from './channel/layout';
export { runGuest, type WorkerPlatform } from './guest';
