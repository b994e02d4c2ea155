import type { CoreLimits, FsCapabilities, Filetype } from '@vos/core';

/**
 * What the host sends a worker to start one guest, and what comes back. Plain structured-cloneable data:
 * providers never cross; the worker gets small integer ids for them and reaches them through the channel.
 */

/** A filesystem served through the channel. */
export interface FsDescriptor {
  readonly id: number;
  readonly capabilities: FsCapabilities;
  readonly revalidate: boolean;
}

/**
 * A filesystem's root that the serving side opened before the run started, so the guest's first call is not
 * `openRoot` (it was the run's first and slowest round-trip: the host thread had just gone idle).
 */
export interface RootHandle {
  readonly id: number;
  readonly filetype: Filetype;
}

export type StreamDescriptor =
  /** A stream the host serves (a collector, a callback, an asynchronous source...). */
  | {
    readonly kind: 'served'; readonly id: number; readonly filetype: Filetype; readonly readable: boolean; readonly waitReadable: boolean;
    /** Its writes cannot fail (a `CollectorSink`, a `NullStream`): they go through the post box (`GuestStart.box`). */
    readonly posted?: boolean;
  }
  /** A host fd the worker uses itself (Node only): no round-trip per write, and a blocking read there does not block the host. */
  | { readonly kind: 'fd'; readonly fd: number };

export interface GuestStart {
  readonly sab: SharedArrayBuffer;
  /** A compiled module (compiled once on the host; a pool sends the same one to every worker). */
  readonly module: object;
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly preopens: readonly { readonly guestPath: string; readonly fs: FsDescriptor }[];
  readonly namespace?: {
    readonly mounts: readonly { readonly path: string; readonly fs: FsDescriptor }[];
    readonly preopens?: readonly string[];
  };
  readonly stdio: readonly [StreamDescriptor, StreamDescriptor, StreamDescriptor];
  /** The post box for writes to streams that cannot fail (channel/layout.ts), when one of the streams is such. */
  readonly box?: SharedArrayBuffer;
  /** By filesystem id: its root, opened before the run, or null (the guest opens it with a call). */
  readonly roots?: readonly (RootHandle | null)[];
  /** 'system': the worker reads its own system clock (no round-trip); otherwise the host's, with its resolutions. */
  readonly clock: { readonly kind: 'system' } | { readonly kind: 'served'; readonly resolutions: readonly bigint[] };
  readonly random: { readonly kind: 'system' } | { readonly kind: 'served' };
  readonly maxFds?: number;
  /** The core's budgets (checked on the host thread by `composeWorld`); the worker's `WasiCore` enforces them. */
  readonly limits?: Partial<CoreLimits>;
  /** Linear-memory cap in bytes (the module was rewritten for it on the host; see limits.ts). */
  readonly maxMemory?: number;
  /** Call this export instead of `_start` (a reactor is `_initialize`d first); numbers as arguments. */
  readonly invoke?: { readonly name: string; readonly args: readonly number[] };
  /** The most the client polls for an answer before it sleeps, ms (adaptive, channel/spin.ts); 0 never. */
  readonly spinMs?: number;
  /**
   * The host closes what the guest's last closes left queued (`GuestReport.closes`) when the run ends, instead
   * of the worker sending them in a last round-trip (a short guest's calls were half closes).
   */
  readonly closesInReport?: boolean;
}

export type Limit = 'timeout' | 'memory' | 'aborted';

/** How a run ended. */
export type RunOutcome =
  | { readonly status: 'exited'; readonly code: number; readonly result?: string }
  | { readonly status: 'trapped'; readonly message: string; readonly stack: string }
  | { readonly status: 'stopped'; readonly limit: Limit; readonly message: string };

/** What the worker reports besides the outcome. */
export interface GuestReport {
  readonly outcome: RunOutcome;
  /** Round-trips the guest made. */
  readonly calls: number;
  /** With `GuestStart.closesInReport`: the handle and stream closes still queued, for the host to do. */
  readonly closes?: readonly number[];
}
