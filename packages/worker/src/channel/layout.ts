/**
 * The channel's one message layout (see docs/worker.md). A `SharedArrayBuffer` holds one call at a time:
 *
 * | bytes      | view          | what                                                                    |
 * |------------|---------------|-------------------------------------------------------------------------|
 * | 0..128     | Int32 [0..32) | STATE (the word both sides wait on), OP, integer arguments and results, |
 * |            |               | and the handles the client closed since its last call (piggybacked)     |
 * | 128..160   | Float64 [16..20) | positions, sizes, lengths (exact up to 2^53)                         |
 * | 160..256   | BigInt64 [20..32) | a file's metadata (8 fields) and two timestamps                      |
 * | 256..end   | Uint8         | the payload: names and paths (UTF-8), bytes read or written, listings   |
 *
 * Handles are small integers issued by the serving side; the client never sees a provider object.
 */

export const STATE = 0;
export const OP = 1;
/** First integer argument/result slot; slots ARG..ARG_END. */
export const ARG = 2;
export const ARG_END = 16;
/**
 * Number of ids in CLOSES.. that the server must close before serving the call: a handle id (> 0), or a served
 * stream as `streamCloseId(stream)` (< 0).
 */
export const CLOSE_COUNT = 16;
export const CLOSES = 17;
export const MAX_PIGGYBACK_CLOSES = 15;

/** A stream's close in the CLOSES slots (negative, so it never collides with a handle id). */
export function streamCloseId(stream: number): number {
  return -1 - stream;
}

/** Float64 slot index (byte 128). */
export const F64 = 16;
/** BigInt64 slot index (byte 160): the 8 stat fields, then two times. */
export const I64 = 20;
export const I64_ATIM = I64 + 8;
export const I64_MTIM = I64 + 9;

export const DATA_OFFSET = 256;
/** Default payload size: a small file read in one call, a write of a typical buffer in one call. */
export const DEFAULT_DATA_BYTES = 256 * 1024;

/** STATE values. */
export const REQUEST = 1;
export const RESPONSE = 2;
/** A pool session's channel (pool.ts): a run's start waits on the session's port; the worker takes it. */
export const RUN = 3;
/** A pool session's channel: the session ends (the worker's task returns). */
export const END = 4;

/** Every call the channel carries; one number per call. */
export const Op = {
  // FileSystem: a0 = filesystem id (OPEN_ROOT) or handle id (the rest)
  OPEN_ROOT: 1,
  STAT_AT: 2,
  OPEN_AT: 3,
  OPEN_DIR_PATH: 4,
  OPEN_PATH: 5,
  REVALIDATE: 6,
  READLINK_AT: 7,
  MKDIR_AT: 8,
  SYMLINK_AT: 9,
  UNLINK_AT: 10,
  RMDIR_AT: 11,
  RENAME_AT: 12,
  LINK_AT: 13,
  SET_TIMES_AT: 14,
  CLOSE: 15,
  STAT: 16,
  READ: 17,
  WRITE: 18,
  TRUNCATE: 19,
  SET_TIMES: 20,
  SYNC: 21,
  ALLOCATE: 22,
  READDIR: 23,
  /** The next chunk of a response longer than the payload area. */
  MORE: 24,
  // Streams: a0 = stream id
  STREAM_READ: 30,
  STREAM_WRITE: 31,
  STREAM_STAT: 32,
  STREAM_READABLE: 33,
  STREAM_WAIT_READABLE: 34,
  STREAM_CLOSE: 35,
  // Clock and random (only when the host's are not answered inside the worker)
  CLOCK_NOW: 40,
  CLOCK_SLEEP: 41,
  RANDOM_FILL: 42,
  /** Host-defined extension: name and argument strings in, a string out (tests, tools). */
  CONTROL: 50,
  /** Nothing but the piggybacked closes. */
  FLUSH: 51,
  /** Measures the bare round-trip (bench). */
  PING: 52,
} as const;

/** `setTimes` flags in a slot: which of atim/mtim are set (null = unchanged). */
export const TIME_ATIM = 1;
export const TIME_MTIM = 2;

/**
 * The post box: writes to a stream that cannot fail (the host's `CollectorSink` or `NullStream`) go here and the
 * guest goes on without waiting for an answer; the serving side takes them before it serves the next call (so
 * every effect keeps its order) or when the box's notify wakes it. A separate small buffer, so the channel's own
 * slots stay one call at a time:
 *
 * | bytes    | what                                                                      |
 * |----------|---------------------------------------------------------------------------|
 * | 0..4     | state: BOX_EMPTY, BOX_FULL, BOX_BUSY (one side is filling or taking it)    |
 * | 4..8     | the stream id the bytes are for                                           |
 * | 8..12    | how many bytes                                                            |
 * | 16..end  | the bytes                                                                 |
 */
export const BOX_STATE = 0;
export const BOX_STREAM = 1;
export const BOX_LENGTH = 2;
export const BOX_DATA_OFFSET = 16;
export const BOX_EMPTY = 0;
export const BOX_FULL = 1;
export const BOX_BUSY = 2;
/** Bytes one post box holds: a longer write is an ordinary call. */
export const DEFAULT_BOX_BYTES = 64 * 1024;

/** A post box (see above). */
export function createPostBox(dataBytes = DEFAULT_BOX_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(BOX_DATA_OFFSET + dataBytes);
}

/** Views on one channel buffer, made once per side. */
export class ChannelViews {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
  readonly data: Uint8Array;
  constructor(readonly sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab, 0, 32);
    this.f64 = new Float64Array(sab, 0, 32);
    this.i64 = new BigInt64Array(sab, 0, 32);
    this.data = new Uint8Array(sab, DATA_OFFSET);
  }
}

/** A channel buffer with `dataBytes` of payload. */
export function createChannelBuffer(dataBytes = DEFAULT_DATA_BYTES): SharedArrayBuffer {
  if (!Number.isInteger(dataBytes) || dataBytes < 4096) throw new RangeError('vos: the channel payload must be at least 4096 bytes');
  return new SharedArrayBuffer(DATA_OFFSET + dataBytes);
}
