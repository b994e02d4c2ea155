/**
 * Replacing providers through inversify: the example of docs/di-example.md, run as written, plus the other
 * ways a host can compose (its own container, a rebound host-directory factory, a captured stdout).
 */
import { Container, ContainerModule } from 'inversify';
import { Errno, Filetype, type Clock, type Clockid, type FileStat, type FileSystem, type Stream } from '@vos/core';
import { TOKENS, WASI, WASI_OPTIONS, defaultModules, type ParsedOptions } from '@vos/wasi';
import { instantiate } from './helpers';

// ---- the docs/di-example.md example, verbatim ----
/** A clock frozen at one instant: every clock_time_get answers the same time; sleeps return at once. */
class FixedClock implements Clock {
  constructor(private readonly ns: bigint) {}
  now(_id: Clockid): bigint {
    return this.ns;
  }
  resolution(_id: Clockid): bigint {
    return 1n;
  }
  sleepUntil(_deadline: bigint): void {}
}

const fixedClockModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Clock).toConstantValue(new FixedClock(1_700_000_000_000_000_000n));
});
// ---- end of the example ----

function guestNow(wasi: WASI): bigint {
  const instance = instantiate('reactor', wasi);
  wasi.initialize(instance);
  return (instance.exports.now as () => bigint)();
}

describe('replacing the clock', () => {
  test('through `modules` (loaded over the defaults)', () => {
    const wasi = new WASI({ version: 'preview1', modules: [fixedClockModule] });
    expect(guestNow(wasi)).toBe(1_700_000_000_000_000_000n);
  });

  test('through a host `container`', () => {
    const container = new Container();
    container.bind(TOKENS.Clock).toConstantValue(new FixedClock(42n));
    expect(guestNow(new WASI({ version: 'preview1', container }))).toBe(42n);
  });

  test('`modules` loaded over a host `container` win over it', () => {
    const container = new Container();
    container.bind(TOKENS.Clock).toConstantValue(new FixedClock(42n));
    expect(guestNow(new WASI({ version: 'preview1', container, modules: [fixedClockModule] }))).toBe(1_700_000_000_000_000_000n);
  });

  test('without customisation each WASI gets the real clock', () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const now = guestNow(new WASI({ version: 'preview1' }));
    expect(now).toBeGreaterThanOrEqual(before - 1_000_000_000n);
    expect(now).toBeLessThan(before + 60_000_000_000n);
  });
});

/** A stdout that keeps what the guest writes. */
class CaptureStream implements Stream {
  readonly filetype = Filetype.CHARACTER_DEVICE;
  readonly seekable = false;
  text = '';
  read(): number {
    return -Errno.BADF;
  }
  write(buf: Uint8Array, off: number, len: number): number {
    this.text += Buffer.from(buf.subarray(off, off + len)).toString();
    return len;
  }
  stat(out: FileStat): number {
    out.filetype = this.filetype;
    return Errno.SUCCESS;
  }
}

describe('replacing stdio', () => {
  test('a dynamic value can read the validated options through WASI_OPTIONS', () => {
    const out = new CaptureStream();
    const seen: ParsedOptions[] = [];
    const captureStdout = new ContainerModule(({ bind }) => {
      bind(TOKENS.Stdio).toDynamicValue((ctx) => {
        seen.push(ctx.get<ParsedOptions>(WASI_OPTIONS));
        return { stdin: out, stdout: out, stderr: out };
      });
    });
    const wasi = new WASI({ version: 'preview1', stdout: 5000, modules: [captureStdout] });
    expect(wasi.start(instantiate('hello', wasi))).toBe(0);
    expect(out.text).toBe('hello\n');
    // The host fd 5000 was never checked (the default stdio binding was replaced), but it was validated.
    expect(seen.map((o) => o.stdout)).toEqual([5000]);
  });
});

describe('replacing the host-directory factory', () => {
  test('preopens are opened through TOKENS.HostDirectory, so they need not exist on the host', () => {
    const opened: string[] = [];
    const emptyRoot = { capabilities: { readOnly: true, symlinks: false, hardLinks: false, timestampResolutionNs: 1n }, openRoot: (out: { value: unknown }) => { out.value = {}; return Errno.SUCCESS; } } as unknown as FileSystem;
    const virtualDirs = new ContainerModule(({ bind }) => {
      bind(TOKENS.HostDirectory).toConstantValue((hostPath: string) => {
        opened.push(hostPath);
        return emptyRoot;
      });
    });
    const wasi = new WASI({ version: 'preview1', preopens: { '/data': 'virtual:/data' }, modules: [virtualDirs] });
    expect(opened).toEqual(['virtual:/data']);
    const memory = new WebAssembly.Memory({ initial: 1 });
    wasi.initialize({ exports: { memory } } as never);
    expect(wasi.wasiImport.fd_prestat_get(3, 0)).toBe(Errno.SUCCESS);
    expect(wasi.wasiImport.fd_prestat_get(4, 0)).toBe(Errno.BADF);
  });

  test('without it, a missing host directory fails as in node:wasi', () => {
    expect(() => new WASI({ version: 'preview1', preopens: { '/data': 'virtual:/data' } })).toThrow(
      expect.objectContaining({ code: 'UVWASI_ENOENT', message: 'UVWASI_ENOENT, uvwasi_init' }),
    );
  });
});

test('the default modules can be loaded into a host container by hand', () => {
  const container = new Container();
  container.loadSync(...defaultModules);
  container.rebindSync(TOKENS.Clock).toConstantValue(new FixedClock(7n));
  expect(guestNow(new WASI({ version: 'preview1', container }))).toBe(7n);
});
