import type { Clock } from './providers/clock';
import type { RandomSource } from './providers/random';
import type { Stdio } from './providers/stdio';
import type { FileSystem } from './providers/fs';

/**
 * Dependency-injection tokens: plain typed symbols, so the core stays free of any DI library. `@vos/wasi`
 * binds them in an inversify container at the composition root; `Token<T>` carries the bound type.
 */
export type Token<T> = symbol & { readonly __vosToken?: T };

function token<T>(name: string): Token<T> {
  return Symbol.for(`vos.${name}`) as Token<T>;
}

/** Options a host passes through the container (args, env, preopens...). */
export interface WasiSettings {
  readonly args: readonly string[];
  /** `KEY=VALUE` strings, in order. */
  readonly env: readonly string[];
  readonly preopens: readonly { readonly guestPath: string; readonly fs: FileSystem }[];
  /** A mount namespace (see `WasiCoreConfig.namespace`), when the host composes one. */
  readonly namespace?: {
    readonly mounts: readonly { readonly path: string; readonly fs: FileSystem }[];
    readonly preopens?: readonly string[];
    /** Makes the filesystem at `/` when no mount is there, only if the namespace needs it (see `WasiCoreConfig`). */
    readonly root?: () => FileSystem;
  };
}

export const TOKENS = {
  Clock: token<Clock>('Clock'),
  Random: token<RandomSource>('Random'),
  Stdio: token<Stdio>('Stdio'),
  Settings: token<WasiSettings>('Settings'),
  /** Factory for a host-directory filesystem: host path -> FileSystem (fs-node by default). */
  HostDirectory: token<(hostPath: string) => FileSystem>('HostDirectory'),
} as const;
