export { runInWorker, prepareModule, WORKER_ENTRY, type RunOptions, type RunResult, type RunLimits, type ModuleSource, type PreparedModule } from './sandbox';
export { composeWorld, type WorldOptions, type FileSystemSource, type StreamSource } from './world';
export { capModuleMemory, MemoryCapError, MEMORY_CAP_GLOBAL, type CappedModule } from './limits';
export type { GuestStart, GuestReport, RunOutcome, Limit, FsDescriptor, StreamDescriptor } from './protocol';
export { ChannelClient } from './channel/client';
export { ChannelServer, type ServedWorld, type ChannelServerOptions } from './channel/server';
export { ChannelFileSystem, ChannelStream, ChannelClock, ChannelRandom, channelControl } from './channel/proxies';
export { createChannelBuffer, DEFAULT_DATA_BYTES, Op } from './channel/layout';
export { runGuest, type WorkerPlatform } from './guest';
