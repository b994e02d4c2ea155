/**
 * The recipes of docs/testing-with-fake-time.md, run. The last test checks that every recipe block of the doc
 * appears here verbatim, so the doc cannot drift from tested code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { Container, ContainerModule } from 'inversify';
import { FakeClock } from '@vos/clock';
import { SeededRandom } from '@vos/random';
import { CollectorSink, createStdio, createStdioAsync } from '@vos/stdio';
import type { Clock, Clockid, RandomSource } from '@vos/core';
import { TOKENS, WASI } from '@vos/wasi';
import { deterministicModule } from '../../packages/wasi/src/deterministic';

const wasmBytes = (name: string): Buffer => fs.readFileSync(path.join(__dirname, '../wasm/bin', `${name}.wasm`));

// recipe: fake-clock
test('a program that sleeps an hour finishes at once', async () => {
  const clock = new FakeClock({ start: '2024-01-01T00:00:00Z' });
  const stdout = new CollectorSink();
  const wasi = new WASI({
    version: 'preview1',
    returnOnExit: true,
    modules: [
      new ContainerModule(({ bind }) => {
        bind(TOKENS.Clock).toConstantValue(clock);
        bind(TOKENS.Stdio).toConstantValue(createStdio({ stdin: 'null', stdout, stderr: 'inherit' }));
      }),
    ],
  });
  const { instance } = await WebAssembly.instantiate(wasmBytes('sleep_hour'), wasi.getImportObject());
  expect(wasi.start(instance)).toBe(0);
  expect(stdout.text()).toContain('sleep(3600): realtime +3600000000000 ns');
  expect(clock.date.toISOString()).toBe('2024-01-01T06:00:00.000Z'); // six one-hour sleeps
});
// end

// recipe: capture
test('capturing output: as text after the run, or chunk by chunk', async () => {
  const stdout = new CollectorSink();
  const stderrChunks: Uint8Array[] = [];
  const stdio = createStdio({ stdin: 'hi\n', stdout, stderr: (chunk) => stderrChunks.push(chunk) });
  const wasi = new WASI({
    version: 'preview1',
    returnOnExit: true,
    modules: [new ContainerModule(({ bind }) => void bind(TOKENS.Stdio).toConstantValue(stdio))],
  });
  const { instance } = await WebAssembly.instantiate(wasmBytes('stdin_until_eof'), wasi.getImportObject());
  wasi.start(instance);
  expect(stdout.text()).toBe('hi\n');
  expect(Buffer.concat(stderrChunks).toString()).toBe('3 bytes in 1 reads, then EOF\n');
});
// end

// recipe: stdin
test('feeding stdin: a string, bytes, or a Node Readable', async () => {
  async function run(stdio: ReturnType<typeof createStdio>): Promise<void> {
    const wasi = new WASI({
      version: 'preview1',
      returnOnExit: true,
      modules: [new ContainerModule(({ bind }) => void bind(TOKENS.Stdio).toConstantValue(stdio))],
    });
    const { instance } = await WebAssembly.instantiate(wasmBytes('stdin_until_eof'), wasi.getImportObject());
    wasi.start(instance);
  }
  const out = new CollectorSink();
  await run(createStdio({ stdin: 'text, sent as UTF-8\n', stdout: out, stderr: 'null' }));
  await run(createStdio({ stdin: Buffer.from([0xff, 0x00, 0x0a]), stdout: out, stderr: 'null' }));
  // A Readable is read to the end before the run: the guest is synchronous and cannot wait for the event loop.
  await run(await createStdioAsync({ stdin: Readable.from(['from ', 'a stream\n']), stdout: out, stderr: 'null' }));
  expect(out.bytes()).toEqual(new Uint8Array([...Buffer.from('text, sent as UTF-8\n'), 0xff, 0x00, 0x0a, ...Buffer.from('from a stream\n')]));
});
// end

// recipe: own-providers
/** A clock of your own: here, one that moves 1 ms on every read and never sleeps. */
class SteppingClock implements Clock {
  private t = 0n;
  now(id: Clockid): bigint {
    this.t += 1_000_000n;
    return id === 0 ? 1_700_000_000_000_000_000n + this.t : this.t;
  }
  resolution(id: Clockid): bigint {
    return id <= 3 ? 1_000_000n : 0n;
  }
  sleepUntil(deadline: bigint): void {
    if (deadline > this.t) this.t = deadline;
  }
}

/** A random source of your own: every byte 0x2a. */
class FortyTwos implements RandomSource {
  fill(buf: Uint8Array, off: number, len: number): void {
    buf.fill(0x2a, off, off + len);
  }
}

test('replacing the clock and the random source with your own classes through a container', async () => {
  const container = new Container();
  container.bind(TOKENS.Clock).toDynamicValue(() => new SteppingClock()); // a fresh clock per WASI
  container.bind(TOKENS.Random).toConstantValue(new FortyTwos());
  const stdout = new CollectorSink();
  container.bind(TOKENS.Stdio).toConstantValue(createStdio({ stdin: 'null', stdout, stderr: 'null' }));
  const wasi = new WASI({ version: 'preview1', returnOnExit: true, container });
  const { instance } = await WebAssembly.instantiate(wasmBytes('deterministic'), wasi.getImportObject());
  wasi.start(instance);
  expect(stdout.text()).toContain('random: 2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a\n');
  expect(stdout.text()).toContain('date: 2023-11-14T22:13:20Z\n');
});
// end

// recipe: deterministic
test('deterministic mode: the same program twice gives the same bytes', async () => {
  async function run(): Promise<string> {
    const stdout = new CollectorSink();
    const wasi = new WASI({
      version: 'preview1',
      returnOnExit: true,
      modules: [
        deterministicModule({ epoch: '2000-01-01T00:00:00Z', seed: 42 }),
        new ContainerModule(({ bind }) => void bind(TOKENS.Stdio).toConstantValue(createStdio({ stdin: 'null', stdout, stderr: 'null' }))),
      ],
    });
    const { instance } = await WebAssembly.instantiate(wasmBytes('deterministic'), wasi.getImportObject());
    wasi.start(instance);
    return stdout.text();
  }
  expect(await run()).toBe(await run());
});
// end

// recipe: seeded-random
test('SeededRandom on its own: the same bytes for the same seed, everywhere', () => {
  const a = new Uint8Array(16);
  const b = new Uint8Array(16);
  new SeededRandom('my test').fill(a, 0, 16);
  new SeededRandom('my test').fill(b, 0, 16);
  expect(a).toEqual(b);
});
// end

test('every recipe block of docs/testing-with-fake-time.md is code in this file', () => {
  const doc = fs.readFileSync(path.join(__dirname, '../../docs/testing-with-fake-time.md'), 'utf8');
  const self = fs.readFileSync(__filename, 'utf8');
  const blocks = [...doc.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]).filter((b) => !b.startsWith('// imports'));
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  for (const block of blocks) expect(self).toContain(block);
});
