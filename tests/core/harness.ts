import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Clockid, WasiCore, type Clock, type Preview1Syscalls } from '@vos/core';
import { createNodeFileSystem } from '@vos/fs-node';
import { NullStream } from '@vos/stdio';

/** A clock that never sleeps: `sleepUntil` jumps ahead, so fuzzed poll_oneoff timeouts cost nothing. */
export class InstantClock implements Clock {
  private t = 1_700_000_000_000_000_000n;
  now(_id: Clockid): bigint {
    return (this.t += 1000n);
  }
  resolution(id: Clockid): bigint {
    return id <= 3 ? 1n : 0n;
  }
  sleepUntil(deadline: bigint): void {
    if (deadline > this.t) this.t = deadline;
  }
}

export interface CoreFixture {
  core: WasiCore;
  sys: Preview1Syscalls;
  memory: WebAssembly.Memory;
  u8: () => Uint8Array;
  view: () => DataView;
  dir: string;
  /** Writes a UTF-8 string at `ptr`, returns its byte length. */
  str(ptr: number, s: string): number;
  cleanup(): void;
}

/**
 * A WasiCore over a fresh temp directory preopened at fd 3 (`/sandbox`), with `f.txt`, `d/`, `d/inner.txt`, a
 * symlink `ln -> f.txt`, and one page of memory. stdio is the null device (nothing reaches the test's output).
 */
export function makeCore(options: { pages?: number } = {}): CoreFixture {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-core-'));
  const root = path.join(dir, 'root');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'f.txt'), 'hello world 1234567890');
  fs.mkdirSync(path.join(root, 'd'));
  fs.writeFileSync(path.join(root, 'd', 'inner.txt'), 'inner');
  fs.symlinkSync('f.txt', path.join(root, 'ln'));
  const stream = new NullStream();
  const core = new WasiCore({
    args: ['prog', 'arg1'],
    env: ['A=1', 'B=two'],
    preopens: [{ guestPath: '/sandbox', fs: createNodeFileSystem(root) }],
    clock: new InstantClock(),
    random: { fill: (buf, off, len) => buf.fill(7, off, off + len) },
    stdio: { stdin: stream, stdout: stream, stderr: stream },
  });
  const memory = new WebAssembly.Memory({ initial: options.pages ?? 1, maximum: 4 });
  core.bindMemory(memory);
  const fixture: CoreFixture = {
    core,
    sys: core.preview1,
    memory,
    dir: root,
    u8: () => new Uint8Array(memory.buffer),
    view: () => new DataView(memory.buffer),
    str(ptr, s) {
      const bytes = Buffer.from(s, 'utf8');
      new Uint8Array(memory.buffer).set(bytes, ptr);
      return bytes.length;
    },
    cleanup() {
      core.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return fixture;
}
