// Testing a wasm module in Jest: a fake clock makes its output exact, and stdout is captured in memory.
// Run with `npx jest tests/examples/testing-with-jest.test.ts` (which runs this file) or copy it into your own
// project.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContainerModule } from 'inversify';
import { TOKENS, WASI } from '@vos/wasi';
import { FakeClock } from '@vos/clock';
import { createStdio } from '@vos/stdio';
import { MemoryFileSystem } from '@vos/fs-memory';

const WebAssembly = (globalThis as any).WebAssembly;
const greeter = new WebAssembly.Module(readFileSync(join(__dirname, 'greeter.wasm')));

/** Runs greeter.wasm at `start` (an ISO date) and returns its exit code, its stdout and the clock. */
function runAt(start: string): { code: number; stdout: string; clock: FakeClock } {
  const clock = new FakeClock({ start });
  let stdout = '';
  const decoder = new TextDecoder();
  const world = new ContainerModule(({ bind }) => {
    bind(TOKENS.Clock).toConstantValue(clock);
    bind(TOKENS.Stdio).toConstantValue(createStdio({ stdin: 'null', stdout: (chunk) => (stdout += decoder.decode(chunk, { stream: true })) }));
  });
  const wasi = new WASI({ version: 'preview1', args: ['greeter'], mounts: { '/': ({ clock }) => new MemoryFileSystem({ clock }) }, modules: [world] });
  const instance = new WebAssembly.Instance(greeter, wasi.getImportObject());
  const code = wasi.start(instance);
  return { code, stdout, clock };
}

describe('greeter.wasm', () => {
  test('says good morning in the morning', () => {
    const { code, stdout } = runAt('2024-03-01T09:30:00Z');
    expect(code).toBe(0);
    expect(stdout).toBe('Good morning!\nIt is 2024-03-01 09:30 UTC\nAn hour later it is 2024-03-01 10:30 UTC\n');
  });

  test('says good evening in the evening, across midnight', () => {
    expect(runAt('2024-12-31T23:15:00Z').stdout).toBe(
      'Good evening!\nIt is 2024-12-31 23:15 UTC\nAn hour later it is 2025-01-01 00:15 UTC\n',
    );
  });

  test('its hour-long sleep takes no real time, and the fake clock moved by exactly one hour', () => {
    const t0 = Date.now();
    const { clock } = runAt('2024-06-01T14:00:00Z');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(clock.date.toISOString()).toBe('2024-06-01T15:00:00.000Z');
  });
});
