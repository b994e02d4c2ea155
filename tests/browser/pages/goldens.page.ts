/**
 * The wasm goldens in Chromium: every case of tests/programs/cases.ts, on the page's own thread (where a sleep in
 * `poll_oneoff` can only spin) and in a dedicated worker (where it blocks on Atomics.wait), each with `/sandbox`
 * on a fresh in-memory filesystem. Same programs, same goldens (wasmtime's answers) as the Node runs.
 */
import { CASES, expectedStdout, runGoldenCase, type GoldenRun } from '../lib/goldens';
import { expect, runAndReport, test } from '../harness';

const worker = new Worker('/build/goldens-worker.js', { type: 'module' });
let nextId = 0;
const pending = new Map<number, (m: { run?: GoldenRun; error?: string }) => void>();
worker.onmessage = (e) => {
  pending.get(e.data.id)?.(e.data);
  pending.delete(e.data.id);
};
function inWorker(index: number): Promise<GoldenRun> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (m) => (m.run ? resolve(m.run) : reject(new Error(m.error))));
    worker.postMessage({ id, index });
  });
}

CASES.forEach((c, index) => {
  for (const [where, run] of [['page thread', runGoldenCase], ['worker', inWorker]] as const) {
    test(`golden ${c.golden} (${where}, memory /sandbox)`, async () => {
      const result = await run(index);
      expect(result.stdout).toBe(await expectedStdout(c.golden));
      expect(result.exitCode).toBe(c.exitCode);
    });
  }
});

runAndReport().finally(() => worker.terminate());
