import { Errno, isPointer, PREVIEW1_FUNCTIONS, type Preview1Name } from '@vos/core';
import { A, FILE_FD, VALID, clockSub, iov, openFileFd, type Arg } from './builders';
import { makeCore, type CoreFixture } from './harness';

const names = Object.keys(VALID) as Preview1Name[];

function call(fx: CoreFixture, name: Preview1Name, args: Arg[]): number {
  return (fx.sys[name] as (...a: Arg[]) => number)(...args);
}

function withFixture(run: (fx: CoreFixture) => void): void {
  const fx = makeCore();
  try {
    openFileFd(fx);
    run(fx);
  } finally {
    fx.cleanup();
  }
}

describe('every syscall succeeds with valid arguments (the baseline of the matrix)', () => {
  test.each(names)('%s', (name) => {
    withFixture((fx) => expect(call(fx, name, VALID[name]!.args(fx))).toBe(VALID[name]!.expect ?? Errno.SUCCESS));
  });
});

describe('every fd argument: closed, never opened, huge and negative fds are EBADF', () => {
  const cases: [Preview1Name, number, string, number][] = [];
  for (const name of names) {
    PREVIEW1_FUNCTIONS[name].forEach(([param, type], index) => {
      if (type !== 'fd') return;
      for (const [label, fd] of [['never opened', 100], ['huge', 0x7fffffff], ['negative', -1], ['closed', -2]] as const) {
        cases.push([name, index, `${param} ${label}`, fd]);
      }
    });
  }
  test.each(cases)('%s arg %i: %s', (name, index, _label, fd) => {
    withFixture((fx) => {
      const args = VALID[name]!.args(fx);
      if (fd === -2) {
        expect(fx.sys.fd_close(FILE_FD)).toBe(0);
        args[index] = FILE_FD;
        // the other fd of a two-fd call must stay valid
        args.forEach((a, i) => {
          if (i !== index && a === FILE_FD) args[i] = 3;
        });
      } else args[index] = fd;
      expect(call(fx, name, args)).toBe(Errno.BADF);
    });
  });
});

describe('every pointer argument out of bounds or wrapping is EFAULT, and nothing is written', () => {
  const size = 65536;
  const cases: [Preview1Name, number, string, number][] = [];
  for (const name of names) {
    PREVIEW1_FUNCTIONS[name].forEach(([param, kind], index) => {
      if (!isPointer(kind)) return;
      for (const [label, ptr] of [['at the end', size], ['straddling the end', size - 1], ['-1', -1], ['2^31', 0x80000000 | 0]] as const) {
        cases.push([name, index, `${param} ${label}`, ptr]);
      }
    });
  }
  test.each(cases)('%s arg %i: %s', (name, index, _label, ptr) => {
    withFixture((fx) => {
      const args = VALID[name]!.args(fx);
      args[index] = ptr;
      const before = Buffer.from(fx.u8());
      expect(call(fx, name, args)).toBe(Errno.FAULT);
      expect(Buffer.compare(before, Buffer.from(fx.u8()))).toBe(0);
    });
  });

  test.each(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite'] as const)('%s with an iovec buffer out of bounds', (name) => {
    withFixture((fx) => {
      const args = VALID[name]!.args(fx);
      iov(fx, size - 4, 8);
      expect(call(fx, name, args)).toBe(Errno.FAULT);
    });
  });

  test.each(['fd_read', 'fd_write', 'fd_pread', 'fd_pwrite'] as const)('%s with iovs_len whose size wraps 32 bits', (name) => {
    withFixture((fx) => {
      for (const n of [0x20000000, 0x20000001, -1]) {
        const args = VALID[name]!.args(fx);
        args[2] = n;
        expect(call(fx, name, args)).toBe(Errno.FAULT);
      }
    });
  });

  test('poll_oneoff with nsubscriptions whose size wraps', () => {
    withFixture((fx) => {
      for (const n of [0x5555556, 0x8000000, -1]) {
        const args = VALID.poll_oneoff!.args(fx);
        args[2] = n;
        expect(call(fx, 'poll_oneoff', args)).toBe(Errno.FAULT);
      }
    });
  });

  test('lengths past the end of memory', () => {
    withFixture((fx) => {
      expect(fx.sys.random_get(A.BUF, 0x7fffffff)).toBe(Errno.FAULT);
      expect(fx.sys.random_get(A.BUF, -1)).toBe(Errno.FAULT);
      expect(fx.sys.fd_readdir(3, A.BUF, 65536, 0n, A.OUT)).toBe(Errno.FAULT);
      expect(fx.sys.path_open(3, 0, A.PATH, 0x10000, 0, 0n, 0n, 0, A.OUT)).toBe(Errno.FAULT);
    });
  });
});

describe('every flag or enum argument with undefined bits or values is EINVAL', () => {
  const cases: [Preview1Name, number, number][] = [
    ['clock_res_get', 0, 4], ['clock_res_get', 0, -1], ['clock_time_get', 0, 4],
    ['fd_advise', 3, 6], ['fd_fdstat_set_flags', 1, 0x20], ['fd_filestat_set_times', 3, 0x10],
    ['fd_filestat_set_times', 3, 3], ['fd_filestat_set_times', 3, 12], ['fd_seek', 2, 3], ['fd_seek', 2, 0x100],
    ['path_filestat_get', 1, 2], ['path_filestat_set_times', 1, 2], ['path_filestat_set_times', 6, 0x10],
    ['path_link', 1, 2], ['path_open', 1, 2], ['path_open', 4, 0x10], ['path_open', 7, 0x20],
    ['proc_raise', 0, 31], ['sock_accept', 1, 1], ['sock_recv', 3, 4], ['sock_send', 3, 1], ['sock_shutdown', 1, 4],
    ['sock_shutdown', 1, 0],
  ];
  test.each(cases)('%s arg %i = %i', (name, index, value) => {
    withFixture((fx) => {
      const args = VALID[name]!.args(fx);
      args[index] = value;
      expect(call(fx, name, args)).toBe(Errno.INVAL);
    });
  });

  test('poll_oneoff: an undefined subscription tag, clock flag or clock id', () => {
    withFixture((fx) => {
      expect(fx.sys.poll_oneoff(clockSub(fx, A.SUBS, 1n, 0, 3), A.EVENTS, 1, A.OUT)).toBe(Errno.INVAL);
      expect(fx.sys.poll_oneoff(clockSub(fx, A.SUBS, 1n, 2), A.EVENTS, 1, A.OUT)).toBe(Errno.INVAL);
      expect(fx.sys.poll_oneoff(clockSub(fx, A.SUBS, 1n, 0, 0, 9), A.EVENTS, 1, A.OUT)).toBe(Errno.INVAL);
      expect(fx.sys.poll_oneoff(A.SUBS, A.EVENTS, 0, A.OUT)).toBe(Errno.INVAL);
    });
  });

  test('poll_oneoff: a bad fd is an error event, not a failed call', () => {
    withFixture((fx) => {
      const v = fx.view();
      clockSub(fx, A.SUBS, 0n, 0, 1);
      v.setUint32(A.SUBS + 16, 99, true);
      expect(fx.sys.poll_oneoff(A.SUBS, A.EVENTS, 1, A.OUT)).toBe(Errno.SUCCESS);
      expect(v.getUint32(A.OUT, true)).toBe(1);
      expect(v.getBigUint64(A.EVENTS, true)).toBe(0xabcdn);
      expect(v.getUint16(A.EVENTS + 8, true)).toBe(Errno.BADF);
      expect(v.getUint8(A.EVENTS + 10)).toBe(1);
    });
  });
});

describe('guest memory', () => {
  test('pointers into pages added by memory.grow work, through the same import object', () => {
    withFixture((fx) => {
      const before = fx.memory.buffer;
      fx.memory.grow(1);
      expect(fx.memory.buffer).not.toBe(before);
      const buf = 65536 + 100;
      iov(fx, buf, 5);
      expect(fx.sys.fd_read(FILE_FD, A.IOV, 1, 65536 + 8)).toBe(Errno.SUCCESS);
      expect(fx.view().getUint32(65536 + 8, true)).toBe(5);
      expect(Buffer.from(fx.u8().subarray(buf, buf + 5)).toString()).toBe('hello');
    });
  });

  test('invalid UTF-8 in a path is EILSEQ, a NUL byte EINVAL', () => {
    withFixture((fx) => {
      fx.u8().set([0x66, 0xff, 0x66], A.PATH);
      expect(fx.sys.path_open(3, 0, A.PATH, 3, 0, 0n, 0n, 0, A.OUT)).toBe(Errno.ILSEQ);
      fx.u8().set([0x66, 0x00, 0x66], A.PATH);
      expect(fx.sys.path_open(3, 0, A.PATH, 3, 0, 0n, 0n, 0, A.OUT)).toBe(Errno.INVAL);
      expect(fx.sys.path_create_directory(3, A.PATH, 3)).toBe(Errno.INVAL);
    });
  });
});
