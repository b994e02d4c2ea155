import { Errno, RIGHTS_ALL, RIGHTS_DIRECTORY, WasiCore, type CoreLimits, type FileSystem, type Preview1Syscalls } from '@vos/core';
import { FakeClock } from '@vos/clock';
import { MemoryFileSystem } from '@vos/fs-memory';
import { NullStream } from '@vos/stdio';

// The core's budgets (docs/security.md, "Budgets"): each one answers the guest an errno, never grows host state.

const PATH = 1024;
const OUT = 16;
const BUF = 64 * 1024;

interface Fx {
  sys: Preview1Syscalls;
  core: WasiCore;
  fs: MemoryFileSystem;
  clock: FakeClock;
  u8(): Uint8Array;
  view(): DataView;
  str(ptr: number, s: string): number;
}

function fixture(limits: Partial<CoreLimits> = {}, fs = new MemoryFileSystem({ clock: new FakeClock() })): Fx {
  const stream = new NullStream();
  const clock = new FakeClock();
  const core = new WasiCore({
    args: [], env: [], preopens: [{ guestPath: '/', fs: fs as FileSystem }], clock,
    random: { fill: () => {} }, stdio: { stdin: stream, stdout: stream, stderr: stream }, limits,
  });
  const memory = new WebAssembly.Memory({ initial: 4 });
  core.bindMemory(memory);
  return {
    sys: core.preview1, core, fs, clock,
    u8: () => new Uint8Array(memory.buffer),
    view: () => new DataView(memory.buffer),
    str(ptr, s) {
      const b = Buffer.from(s, 'utf8');
      new Uint8Array(memory.buffer).set(b, ptr);
      return b.length;
    },
  };
}

function mkdir(fx: Fx, p: string): number {
  return fx.sys.path_create_directory(3, PATH, fx.str(PATH, p));
}

/** Opens a directory (read-only, O_DIRECTORY); the fd, or minus the errno. */
function open(fx: Fx, p: string, dirFd = 3): number {
  const errno = fx.sys.path_open(dirFd, 0, PATH, fx.str(PATH, p), 2, BigInt(RIGHTS_DIRECTORY), BigInt(RIGHTS_ALL), 0, OUT);
  return errno === Errno.SUCCESS ? fx.view().getUint32(OUT, true) : -errno;
}

describe('path budgets', () => {
  test('a path over PATH_MAX (4096 bytes) is ENAMETOOLONG before it is decoded; 4096 is walked', () => {
    const fx = fixture();
    expect(fx.sys.path_create_directory(3, PATH, fx.str(PATH, 'a/'.repeat(2048) + 'b'))).toBe(Errno.NAMETOOLONG);
    expect(fx.sys.path_create_directory(3, PATH, fx.str(PATH, 'a/'.repeat(2047) + 'bc'))).toBe(Errno.NOENT);
    // Huge lengths are ENAMETOOLONG without a decoder allocating them (EFAULT first when out of bounds).
    expect(fx.sys.path_create_directory(3, 0, 4 * 65536)).toBe(Errno.NAMETOOLONG);
    expect(fx.sys.path_create_directory(3, 0, 0xffffffff)).toBe(Errno.FAULT);
  });

  test('a name over NAME_MAX (255 bytes) is ENAMETOOLONG', () => {
    const fx = fixture();
    expect(mkdir(fx, 'x'.repeat(256))).toBe(Errno.NAMETOOLONG);
    expect(mkdir(fx, 'é'.repeat(128))).toBe(Errno.NAMETOOLONG); // 256 bytes of UTF-8
    expect(mkdir(fx, 'x'.repeat(255))).toBe(Errno.SUCCESS);
  });

  test('a symlink target over 4095 bytes is ENAMETOOLONG; 4095 is stored', () => {
    const fx = fixture();
    const long = 'a/'.repeat(2047) + 'bc';
    expect(fx.sys.path_symlink(PATH, fx.str(PATH, long), 3, PATH + 8192, fx.str(PATH + 8192, 'l1'))).toBe(Errno.NAMETOOLONG);
    expect(fx.sys.path_symlink(PATH, fx.str(PATH, long.slice(0, -1)), 3, PATH + 8192, fx.str(PATH + 8192, 'l2'))).toBe(Errno.SUCCESS);
  });

  test('a target planted by the host over 4095 bytes is ENAMETOOLONG when followed', () => {
    const fs = new MemoryFileSystem({ clock: new FakeClock() });
    const ref = { value: null as unknown };
    fs.openRoot(ref as never);
    expect(fs.symlinkAt('a/'.repeat(3000), ref.value as never, 'big')).toBe(Errno.SUCCESS);
    const fx = fixture({}, fs);
    expect(open(fx, 'big/x')).toBe(-Errno.NAMETOOLONG);
  });

  test('components visited per resolution are bounded, links included (ELOOP)', () => {
    const fx = fixture();
    // 39 links, each splicing 2000 `.`-free components: under the link budget, far over the component budget.
    expect(mkdir(fx, 'd')).toBe(Errno.SUCCESS);
    const hop = 'd/..'.concat('/d/..'.repeat(800));
    for (let i = 0; i < 39; i++) {
      const target = `${hop}/l${i + 1}`;
      expect(fx.sys.path_symlink(PATH, fx.str(PATH, target), 3, PATH + 8192, fx.str(PATH + 8192, `l${i}`))).toBe(Errno.SUCCESS);
    }
    expect(mkdir(fx, 'l39')).toBe(Errno.SUCCESS);
    expect(open(fx, 'l0/x')).toBe(-Errno.LOOP);
    expect(open(fx, 'l38/x')).toBe(-Errno.NOENT); // one link's worth is well within
    // With a larger budget the same path resolves (to a missing file).
    const fx2 = fixture({ maxPathComponents: 1_000_000 });
    expect(mkdir(fx2, 'd')).toBe(Errno.SUCCESS);
    for (let i = 0; i < 39; i++) fx2.sys.path_symlink(PATH, fx2.str(PATH, `${hop}/l${i + 1}`), 3, PATH + 8192, fx2.str(PATH + 8192, `l${i}`));
    expect(mkdir(fx2, 'l39')).toBe(Errno.SUCCESS);
    expect(open(fx2, 'l0/x')).toBe(-Errno.NOENT);
  });

  test('the symlink budget is a limit too', () => {
    const fx = fixture({ maxSymlinks: 2 });
    fx.sys.path_symlink(PATH, fx.str(PATH, 'b'), 3, PATH + 8192, fx.str(PATH + 8192, 'a'));
    fx.sys.path_symlink(PATH, fx.str(PATH, 'c'), 3, PATH + 8192, fx.str(PATH + 8192, 'b'));
    fx.sys.path_symlink(PATH, fx.str(PATH, 'd'), 3, PATH + 8192, fx.str(PATH + 8192, 'c'));
    expect(mkdir(fx, 'd')).toBe(Errno.SUCCESS);
    expect(open(fx, 'b/.')).toBeGreaterThan(0);
    expect(open(fx, 'a/.')).toBe(-Errno.LOOP);
  });

  test('limits are validated, naming the limit', () => {
    expect(() => fixture({ maxFds: 0 })).toThrow('limits.maxFds');
    expect(() => fixture({ nope: 1 } as never)).toThrow('limits.nope');
  });
});

describe('fd table', () => {
  test('the fd cap is EMFILE and closing gives every slot back', () => {
    const fx = fixture({ maxFds: 64 });
    expect(mkdir(fx, 'd')).toBe(Errno.SUCCESS);
    const fds: number[] = [];
    for (;;) {
      const fd = open(fx, 'd');
      if (fd < 0) {
        expect(fd).toBe(-Errno.MFILE);
        break;
      }
      fds.push(fd);
    }
    expect(fds.length).toBe(64 - 4);
    for (const fd of fds) expect(fx.sys.fd_close(fd)).toBe(Errno.SUCCESS);
    expect(open(fx, 'd')).toBe(4);
  });

  test('a chain of fds each opened from the last, parents closed, keeps nothing per closed fd', () => {
    const fx = fixture();
    let dir = 3;
    let path = '';
    for (let i = 0; i < 3000; i++) {
      expect(fx.sys.path_create_directory(dir, PATH, fx.str(PATH, 'd'))).toBe(Errno.SUCCESS);
      const fd = open(fx, 'd', dir);
      expect(fd).toBeGreaterThan(3);
      if (dir !== 3) expect(fx.sys.fd_close(dir)).toBe(Errno.SUCCESS);
      dir = fd;
      path += '/d';
    }
    // The one open fd names where it is, cut to a bounded length, without recursing through 3000 entries.
    const name = fx.core.describeFd(dir);
    expect(name.length).toBeLessThanOrEqual(8193);
    expect(name.endsWith('/d/d/d')).toBe(true);
    const entry = fx.core['p1Ctx'].fds.peek(dir);
    expect(entry.openedFrom).not.toBeNull();
    expect(entry.openedFrom.openedFrom).toBeNull(); // the closed parent was retired: the chain ends there
  });
});

describe('fd_readdir listings', () => {
  function readOne(fx: Fx, fd: number, cookie: bigint, len = 40): number {
    expect(fx.sys.fd_readdir(fd, BUF, len, cookie, OUT)).toBe(Errno.SUCCESS);
    return fx.view().getUint32(OUT, true);
  }

  test('held listings stay within the budget however many fds read a big directory', () => {
    const fx = fixture({ maxListingBytes: 5000 * 84 }); // about 5,000 entries of 4-byte names
    expect(mkdir(fx, 'big')).toBe(Errno.SUCCESS);
    for (let i = 0; i < 1000; i++) expect(fx.sys.path_create_directory(3, PATH, fx.str(PATH, `big/e${i}`))).toBe(Errno.SUCCESS);
    const table = fx.core['p1Ctx'].fds;
    const fds: number[] = [];
    for (let i = 0; i < 200; i++) {
      const fd = open(fx, 'big');
      fds.push(fd);
      expect(readOne(fx, fd, 0n)).toBe(40); // a full buffer: the listing is held for the next cookie
      expect(table.heldListingBytes).toBeLessThanOrEqual(5000 * 84);
    }
    // An fd whose listing was dropped still reads on: a fresh snapshot serves its cookie.
    expect(readOne(fx, fds[0], 2n, 4096)).toBe(4096);
    // Reading to the end releases the listing; closing releases it too.
    let cookie = 0n;
    for (;;) {
      const used = readOne(fx, fds[1], cookie, 65536);
      if (used < 65536) break;
      cookie += 1000n;
    }
    for (const fd of fds) fx.sys.fd_close(fd);
    expect(table.heldListingBytes).toBe(0);
  });
});

describe('poll_oneoff and the fake clock saturate', () => {
  test('a relative timeout of 2^64-1 does not make monotonic time go backwards', () => {
    const fx = fixture();
    const SUBS = 2048;
    const v = fx.view();
    fx.u8().fill(0, SUBS, SUBS + 48);
    v.setBigUint64(SUBS, 7n, true); // userdata
    v.setUint8(SUBS + 8, 0); // clock
    v.setUint32(SUBS + 16, 1, true); // monotonic
    v.setBigUint64(SUBS + 24, 0xffffffffffffffffn, true);
    fx.clock.advance(5n);
    expect(fx.sys.clock_time_get(1, 0n, OUT)).toBe(Errno.SUCCESS);
    const before = v.getBigUint64(OUT, true);
    expect(fx.sys.poll_oneoff(SUBS, 4096, 1, OUT)).toBe(Errno.SUCCESS);
    expect(fx.sys.clock_time_get(1, 0n, OUT)).toBe(Errno.SUCCESS);
    const after = v.getBigUint64(OUT, true);
    expect(after).toBeGreaterThanOrEqual(before);
    expect(after).toBe(0xffffffffffffffffn);
    // A second such poll, and further advances, stay at the top.
    expect(fx.sys.poll_oneoff(SUBS, 4096, 1, OUT)).toBe(Errno.SUCCESS);
    fx.clock.advance(10n ** 30n);
    expect(fx.sys.clock_time_get(1, 0n, OUT)).toBe(Errno.SUCCESS);
    expect(v.getBigUint64(OUT, true)).toBe(0xffffffffffffffffn);
    expect(fx.sys.clock_time_get(0, 0n, OUT)).toBe(Errno.SUCCESS);
    expect(v.getBigUint64(OUT, true)).toBe(0xffffffffffffffffn);
  });
});
