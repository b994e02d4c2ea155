// The rule the test run stands on (issue 8): nothing native or foreign runs inside a jest worker.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { NODE_WASI_FLAGS, callInChild } from './child';

test('node:wasi cannot be loaded in a jest worker', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(() => require('node:wasi')).toThrow(/child process/);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  expect(() => require('wasi')).toThrow(/child process/);
});

test('a child process runs the current sources and returns JSON', () => {
  expect(callInChild(path.join(__dirname, 'isolation.child.ts'), 'probe', 2)).toEqual({ doubled: 4, errnoNotsock: 57, hasNodeWasi: true });
});

test('node:wasi children run without V8 fast API calls (the crash under CRuby)', () => {
  expect(NODE_WASI_FLAGS).toContain('--no-turbo-fast-api-calls');
  const r = spawnSync(process.execPath, [...NODE_WASI_FLAGS, '-e', '0']);
  expect(r.status).toBe(0);
});
