export { main, USAGE_EXIT, MODULE_EXIT, INTERNAL_EXIT } from './cli';
export { parseCommand, parseMount, suggest, OPTIONS, UsageError, type Command, type MountSpec, type OptionSpec, type RunOptions } from './args';
export { composeWorld, type World, type OverlayMount } from './compose';
export { runCommand, formatTrap, TRAP_EXIT } from './run';
export { checkModule, ModuleError, type CheckedModule } from './module';
export { formatDiff } from './diff';
export { processIo, type CliIo } from './io';
