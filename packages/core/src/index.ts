export * from './abi';
export * from './providers';

// The values every provider uses on its hot paths, re-declared as plain constants. A CommonJS re-export
// (`export ... from`) compiles to a getter, and `Errno.X` through getters showed in the profile of every
// syscall; local declarations shadow the star exports above and compile to data properties.
import { Errno as ErrnoValue, errnoFromHostError as errnoFromHostErrorFn, errnoName as errnoNameFn } from './abi/errno';
import { Filetype as FiletypeValue } from './abi/constants';
import { DECLINED as DECLINED_VALUE, newFileStat as newFileStatFn, OpenFlags as OpenFlagsValue } from './providers/fs';
import { utf8Length as utf8LengthFn } from './memory';
import type { Errno as ErrnoType } from './abi/errno';
import type { Filetype as FiletypeType } from './abi/constants';
export const Errno = ErrnoValue;
export type Errno = ErrnoType;
export const Filetype = FiletypeValue;
export type Filetype = FiletypeType;
export const OpenFlags = OpenFlagsValue;
export const DECLINED = DECLINED_VALUE;
export const errnoFromHostError = errnoFromHostErrorFn;
export const errnoName = errnoNameFn;
export const newFileStat = newFileStatFn;
export const utf8Length = utf8LengthFn;
export * from './tokens';
export { escapeText, escapeBracketed, quoteText } from './escape';
export { ProcExit, WasiNotStartedError } from './errors';
export { GuestMemory, type MemoryLike } from './memory';
export { FdTable, FdKind, type FdEntry, type FileFd, type DirectoryFd, type StreamFd, type NonDirectoryFd } from './fdtable';
export { PathWalker, Resolution, SYMLINK_BUDGET } from './walker';
export { DEFAULT_LIMITS, PATH_MAX, SYMLINK_TARGET_MAX, resolveLimits, type CoreLimits } from './limits';
export { Namespace, normalizeMountPath, type Mount } from './namespace';
export { SyscallContext, type WasiCoreConfig } from './context';
export { WasiCore, type WasiVersion } from './core';
export { preview1Imports, PREVIEW1_IMPL, type Preview1Impl } from './preview1';
export { adaptImports, isI32, type AdapterOptions } from './adapter';
export { unstableImports } from './unstable';
export { traceImports, TraceSummary, formatUs, type TraceOptions, type TraceSummaryRow, type TraceTarget } from './trace';
export { NAME_MAX, checkName, isPlainPath, nameTooLong } from './names';
export { linkTargetMayLeave } from './link-policy';
