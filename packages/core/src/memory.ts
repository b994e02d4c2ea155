/**
 * The one view of guest memory per instance (STYLE habit 5). The typed views are cached and refreshed only when
 * `memory.buffer` changes identity, which is what `memory.grow` does (it detaches the old buffer).
 *
 * Bounds policy, used by every syscall: addresses and lengths arrive as i32 and are made unsigned with `>>> 0`
 * before they get here; `fits(ptr, len)` is computed in doubles, so `ptr + len` and `count * size` never wrap.
 * A failed check is EFAULT for the guest; nothing is clamped.
 */
export interface MemoryLike {
  readonly buffer: ArrayBuffer;
}

// Views of nothing, shared by every unbound instance: zero-length, so nothing can be written through them.
const EMPTY_U8 = new Uint8Array(0);
const EMPTY_VIEW = new DataView(new ArrayBuffer(0));

export class GuestMemory {
  private memory: MemoryLike | null = null;
  private buffer: ArrayBuffer | null = null;
  /** The memory is shared (threads): growing it does not detach the buffer, so views are re-read on every call. */
  shared = false;
  /** Byte view of the current buffer; valid until the next `refresh()` that sees a new buffer. */
  u8: Uint8Array = EMPTY_U8;
  /** DataView of the current buffer (little-endian accessors are used throughout). */
  view: DataView = EMPTY_VIEW;
  /** Strings `readUtf8` may still build in JavaScript (see there). */
  private asciiBudget = ASCII_BUDGET;

  get bound(): boolean {
    return this.memory !== null;
  }

  /**
   * Binds `memory`; `buffer`, when the caller has just read it, is `memory.buffer` (a host getter, read once per
   * bind: it showed in the profiles of a sandbox's start).
   */
  bind(memory: MemoryLike, buffer: ArrayBufferLike = memory.buffer): void {
    this.memory = memory;
    // A page that is not cross-origin isolated has no SharedArrayBuffer global (and no shared memories).
    this.shared = typeof SharedArrayBuffer === 'function' && buffer instanceof SharedArrayBuffer;
    this.buffer = buffer as ArrayBuffer;
    this.u8 = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /**
   * Re-derives the views if `memory.grow` replaced the buffer. `memory.grow` detaches the old ArrayBuffer, which
   * leaves our cached view with length 0, so the common case is one length check: reading `memory.buffer` costs
   * more than a whole `clock_time_get`. A shared memory (threads) is not detached by growing, so it is re-read
   * every time; so is a memory of zero pages.
   */
  refresh(): void {
    if (this.u8.length !== 0 && !this.shared) return;
    const memory = this.memory;
    if (memory === null) return;
    const buffer = memory.buffer;
    if (buffer !== this.buffer) {
      this.buffer = buffer;
      this.u8 = new Uint8Array(buffer);
      this.view = new DataView(buffer);
    }
  }


  /**
   * Drops the views (the command is over: a finished sandbox kept alive holds none); the memory stays bound, and
   * the next `refresh()` derives them again.
   */
  releaseViews(): void {
    this.buffer = null;
    this.u8 = EMPTY_U8;
    this.view = EMPTY_VIEW;
  }

  /** True when [ptr, ptr+len) lies inside memory. `ptr` and `len` must already be unsigned. */
  fits(ptr: number, len: number): boolean {
    return ptr + len <= this.u8.length;
  }

  /**
   * Reads a UTF-8 string; the caller has checked bounds. Invalid UTF-8 is `null` (EILSEQ for the guest).
   *
   * An instance's first few short all-ASCII strings (what guests' paths nearly always are) are built in
   * JavaScript: ASCII is valid UTF-8 byte for byte, so nothing is skipped, and the strict decoder is left for
   * anything else. Why: a guest that decodes a handful of paths per run runs this code unoptimised and cold, and
   * there the decoder's call into C++ plus its try/catch was about a seventh of a `path_open`; once code is hot,
   * the decoder is faster (~125 against ~140-270 ns for a 10-25 byte path), hence the budget
   * (docs/decisions.md, "Cold syscalls").
   */
  readUtf8(ptr: number, len: number): string | null {
    const u8 = this.u8;
    if (len <= ASCII_FAST_MAX && this.asciiBudget > 0) {
      this.asciiBudget--;
      const end = ptr + len;
      let i = ptr;
      while (i < end && u8[i] < 0x80) i++;
      if (i === end) return String.fromCharCode.apply(null, u8.subarray(ptr, end) as unknown as number[]);
    }
    return decodeStrict(u8, ptr, len);
  }
}

/** Longest string `readUtf8` builds itself when it is all ASCII (fromCharCode takes the bytes as arguments). */
const ASCII_FAST_MAX = 64;
/** How many strings an instance's `readUtf8` may build itself: enough for a program's start and first opens. */
const ASCII_BUDGET = 32;

function decodeStrict(u8: Uint8Array, ptr: number, len: number): string | null {
  try {
    return strictDecoder.decode(u8.subarray(ptr, ptr + len));
  } catch {
    return null;
  }
}

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
export const utf8Encoder = new TextEncoder();

/** Byte length of `s` in UTF-8 without allocating. */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3; // BMP char, or a lone surrogate (encoded as U+FFFD, 3 bytes)
  }
  return n;
}

/**
 * Writes `s` as UTF-8 at `u8[at]`, where `utf8Length(s)` bytes must fit; returns that many. ASCII is copied by a
 * loop, with no encoder call and nothing allocated (start-up strings, written once per run: cold code).
 */
export function writeUtf8(s: string, u8: Uint8Array, at: number): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return i + utf8Encoder.encodeInto(s.slice(i), u8.subarray(at + i)).written;
    u8[at + i] = c;
  }
  return n;
}
