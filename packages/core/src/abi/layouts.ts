/**
 * Struct sizes and field offsets, little-endian wasm32. One table per ABI: snapshot 0 (`wasi_unstable`) has a
 * different filestat (32-bit nlink) and subscription (clock subscriptions carry an `identifier`).
 */
export interface AbiLayout {
  /** A guest pointer (wasm32): what `args_get`/`environ_get` store in their arrays. */
  readonly pointer: { readonly size: 4 };
  readonly iovec: { readonly size: 8; readonly buf: 0; readonly len: 4 };
  readonly fdstat: {
    readonly size: 24; readonly filetype: 0; readonly flags: 2; readonly rightsBase: 8; readonly rightsInheriting: 16;
  };
  readonly filestat: {
    readonly size: number; readonly dev: 0; readonly ino: 8; readonly filetype: 16; readonly nlink: number;
    readonly nlinkBytes: 4 | 8; readonly filesize: number; readonly atim: number; readonly mtim: number;
    readonly ctim: number;
  };
  readonly prestat: { readonly size: 8; readonly tag: 0; readonly dirNameLen: 4 };
  readonly dirent: { readonly size: 24; readonly next: 0; readonly ino: 8; readonly namlen: 16; readonly type: 20 };
  readonly subscription: {
    readonly size: number; readonly userdata: 0; readonly tag: 8; readonly clockId: number; readonly timeout: number;
    readonly precision: number; readonly flags: number; readonly fd: 16;
  };
  readonly event: {
    readonly size: 32; readonly userdata: 0; readonly error: 8; readonly type: 10; readonly nbytes: 16;
    readonly flags: 24;
  };
}

export const PREVIEW1_LAYOUT: AbiLayout = {
  pointer: { size: 4 },
  iovec: { size: 8, buf: 0, len: 4 },
  fdstat: { size: 24, filetype: 0, flags: 2, rightsBase: 8, rightsInheriting: 16 },
  filestat: { size: 64, dev: 0, ino: 8, filetype: 16, nlink: 24, nlinkBytes: 8, filesize: 32, atim: 40, mtim: 48, ctim: 56 },
  prestat: { size: 8, tag: 0, dirNameLen: 4 },
  dirent: { size: 24, next: 0, ino: 8, namlen: 16, type: 20 },
  subscription: { size: 48, userdata: 0, tag: 8, clockId: 16, timeout: 24, precision: 32, flags: 40, fd: 16 },
  event: { size: 32, userdata: 0, error: 8, type: 10, nbytes: 16, flags: 24 },
};

/** Snapshot 0: `filestat.nlink` is u32 (size 56); `subscription_clock` starts with a u64 `identifier` (size 56). */
export const UNSTABLE_LAYOUT: AbiLayout = {
  ...PREVIEW1_LAYOUT,
  filestat: { size: 56, dev: 0, ino: 8, filetype: 16, nlink: 20, nlinkBytes: 4, filesize: 24, atim: 32, mtim: 40, ctim: 48 },
  subscription: { size: 56, userdata: 0, tag: 8, clockId: 24, timeout: 32, precision: 40, flags: 48, fd: 16 },
};
