// Issue 9, item 1: every import checks each argument's wasm type against the ABI table. The matrix (every
// function x every wrong type, NaN and fractional floats, every narrower signature) runs real wasm in a child
// process with a capped heap and a timeout, so a host crash fails this test instead of the jest worker.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS, wireType } from '@vos/core';

function expectedCases(table: Record<string, readonly (readonly [string, string, ...unknown[]])[]>): number {
  let n = 0;
  for (const params of Object.values(table)) {
    n += params.length; // narrower signatures
    for (const [, kind] of params) n += wireType(kind as never) === 'i64' ? 3 : 5;
  }
  return n;
}

test('every import answers EINVAL to arguments of the wrong type, and nothing changes', () => {
  const r = spawnSync(
    process.execPath,
    ['--max-old-space-size=256', '-r', join(__dirname, '..', 'api', 'ts-register.js'), '--no-warnings', join(__dirname, 'wrong-signature-child.js')],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(r.error).toBeUndefined();
  expect(r.signal).toBeNull();
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const result = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { cases: number; failures: string[] };
  // preview1 three times (plain, traced, interpreted), unstable twice (plain, interpreted).
  expect(result.cases).toBe(3 * expectedCases(PREVIEW1_FUNCTIONS) + 2 * expectedCases(UNSTABLE_FUNCTIONS));
  expect(result.failures).toEqual([]);
});
