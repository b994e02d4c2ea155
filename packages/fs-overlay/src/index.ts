export { ReadOnlyFileSystem } from './read-only-file-system';
export { OverlayFileSystem, type OverlayOptions } from './overlay-file-system';
export type { OverlayChanges } from './overlay-changes';
export { FaultyFileSystem, type InjectedFault } from './faulty-file-system';
export { FAULT_OPS, globToRegExp, Mulberry32, type FaultOp, type FaultPlan, type FaultRule } from './fault-plan';
