// The Reflect metadata API for hosts' decorated classes: `reflect-metadata` on Node.js, nothing in the browser build
// (metadata-api.browser.ts says why).
import './metadata-api';

export { WASI, type WasiImport } from './wasi';
export type { WASIOptions } from './options';
export {
  WASI_OPTIONS,
  clockModule,
  randomModule,
  stdioModule,
  fsModule,
  settingsModule,
  defaultModules,
  composeProviders,
  type Providers,
  type ProviderOverrides,
} from './container';
export type { ParsedOptions } from './options';
export { TOKENS, ProcExit, type Token, type WasiSettings } from '@vos/core';
export type { TraceOption } from './trace-option';
export { deterministicModule, deterministicProviders, type DeterministicOptions } from './deterministic';
export { MOUNTS, MOUNT_PREOPENS, mountsModule } from './container';
export type { MountSource } from './options';
export { TraceSummary } from '@vos/core';
