import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { PREVIEW1_FUNCTIONS, ProcExit, type ParamKind, type Preview1Name } from '@vos/core';
import { A, openFileFd, type Arg } from './builders';
import { makeCore } from './harness';

/**
 * Property: random syscalls with random arguments against a fresh instance never throw into the host (only the
 * ProcExit trap of proc_exit) and never write guest memory outside the result ranges they were given.
 */
const SIZE = 65536;
const i32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const interesting = fc.constantFrom(A.OUT, A.LIST, A.STRS, A.PATH, A.PATH2, A.IOV, A.BUF, A.SUBS, A.EVENTS);
const ptr = fc.oneof(interesting, fc.integer({ min: 0, max: SIZE + 16 }), fc.constantFrom(SIZE - 1, SIZE - 4, -1), i32);
const small = fc.oneof(fc.integer({ min: 0, max: 64 }), i32);
const u64 = fc.oneof(fc.bigInt({ min: 0n, max: 100n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }));
const arbitraryFor: Record<ParamKind, fc.Arbitrary<Arg>> = {
  fd: fc.oneof(fc.integer({ min: 0, max: 8 }), i32),
  out: ptr,
  path: ptr,
  buf: ptr,
  iovs: ptr,
  ciovs: ptr,
  array: ptr,
  ptr,
  len: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: SIZE }), fc.constantFrom(0x20000000, -1), i32),
  u32: fc.oneof(fc.integer({ min: 0, max: 8 }), i32),
  flags: small,
  enum: fc.oneof(fc.integer({ min: 0, max: 8 }), i32),
  u64,
  rights: u64,
  i64: fc.oneof(fc.bigInt({ min: -100n, max: 100n }), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })),
};

const names = Object.keys(PREVIEW1_FUNCTIONS) as Preview1Name[];
const callArb = fc.constantFrom(...names).chain((name) =>
  fc.tuple(fc.constant(name), fc.tuple(...PREVIEW1_FUNCTIONS[name].map(([, type]) => arbitraryFor[type]))),
);

type Range = [start: number, length: number];

/** Where a call may write, computed from its arguments and the memory before the call. */
function allowedWrites(name: Preview1Name, args: Arg[], view: DataView): Range[] {
  const u = (i: number) => (args[i] as number) >>> 0;
  const iovecTargets = (iovs: number, n: number): Range[] => {
    const out: Range[] = [];
    if (iovs + n * 8 > SIZE) return out;
    for (let i = 0; i < n; i++) out.push([view.getUint32(iovs + i * 8, true), view.getUint32(iovs + i * 8 + 4, true)]);
    return out;
  };
  switch (name) {
    case 'args_get':
    case 'environ_get':
      return [[u(0), 4 * 8], [u(1), 64]];
    case 'args_sizes_get':
    case 'environ_sizes_get':
      return [[u(0), 4], [u(1), 4]];
    case 'clock_res_get': return [[u(1), 8]];
    case 'clock_time_get': return [[u(2), 8]];
    case 'fd_fdstat_get': return [[u(1), 24]];
    case 'fd_filestat_get': return [[u(1), 64]];
    case 'fd_prestat_get': return [[u(1), 8]];
    case 'fd_prestat_dir_name': return [[u(1), u(2)]];
    case 'fd_read': return [...iovecTargets(u(1), u(2)), [u(3), 4]];
    case 'fd_pread': return [...iovecTargets(u(1), u(2)), [u(4), 4]];
    case 'fd_write': return [[u(3), 4]];
    case 'fd_pwrite': return [[u(4), 4]];
    case 'fd_readdir': return [[u(1), u(2)], [u(4), 4]];
    case 'fd_seek': return [[u(3), 8]];
    case 'fd_tell': return [[u(1), 8]];
    case 'path_filestat_get': return [[u(4), 64]];
    case 'path_open': return [[u(8), 4]];
    case 'path_readlink': return [[u(3), u(4)], [u(5), 4]];
    case 'poll_oneoff': return [[u(1), u(2) * 32], [u(3), 4]];
    case 'random_get': return [[u(0), u(1)]];
    case 'sock_accept': return [[u(2), 4]];
    case 'sock_recv': return [...iovecTargets(u(1), u(2)), [u(4), 4], [u(5), 4]];
    case 'sock_send': return [[u(4), 4]];
    default: return [];
  }
}

test('random syscall sequences never throw into the host nor write outside their result ranges', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 256, maxLength: 256 }), fc.array(callArb, { minLength: 1, maxLength: 25 }), (noise, calls) => {
      const fx = makeCore();
      try {
        openFileFd(fx);
        const u8 = fx.u8();
        for (let i = 0; i < SIZE; i += 256) u8.set(noise, i);
        fx.str(A.PATH, 'd/inner.txt');
        fx.str(A.PATH2, 'ln');
        for (const [name, args] of calls) {
          const before = Buffer.from(fx.u8());
          const allowed = allowedWrites(name, args as Arg[], fx.view());
          try {
            const r = (fx.sys[name] as (...a: Arg[]) => number)(...(args as Arg[]));
            if (!Number.isInteger(r) || r < 0 || r > 76) throw new Error(`${name} returned ${r}`);
          } catch (e) {
            if (!(e instanceof ProcExit)) throw e;
          }
          const after = fx.u8();
          for (let b = 0; b < SIZE; b++) {
            if (before[b] === after[b]) continue;
            if (!allowed.some(([s, l]) => b >= s && b < s + l)) {
              throw new Error(`${name}(${(args as Arg[]).join(', ')}) wrote byte ${b} outside ${JSON.stringify(allowed)}`);
            }
          }
        }
        // nothing escaped the sandbox: the fixture's parent holds only the root
        expect(fs.readdirSync(path.dirname(fx.dir))).toEqual(['root']);
      } finally {
        fx.cleanup();
      }
    }),
    { numRuns: 150, seed: Number(process.env.FUZZ_SEED ?? 0x5eed) },
  );
});
