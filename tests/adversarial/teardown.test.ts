// Clean teardown (issue 9): a host that runs thousands of guests one after another in one process ends with the
// host fds and the heap it started with, whichever way each guest ended (return, proc_exit, trap) and whatever it
// left open (directory fds with listings held, a created file). Run in a child process (its own fd table and heap,
// GC exposed), over each backend, through the API.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-teardown-'));
  for (let i = 0; i < 50; i++) fs.writeFileSync(path.join(dir, `file${i}`), 'x');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Report {
  runs: number;
  before: { fds: number; heap: number };
  after: { fds: number; heap: number };
}

function runChild(backend: string, runs: number): Report {
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=256', '-r', path.join(ROOT, 'tests/api/ts-register.js'), path.join(__dirname, 'teardown-child.js'), backend, String(runs), dir],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 },
  );
  if (r.status !== 0) throw new Error(`child failed (${r.status} ${r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Report;
}

test.each([
  ['host', 10_000],
  ['memory', 2_500],
  ['overlay', 2_500],
  ['read-only', 2_500],
])('%s: %i guests leave no host fd and no heap behind', (backend, runs) => {
  const report = runChild(backend, runs);
  expect(report.runs).toBe(runs);
  expect(report.after.fds).toBe(report.before.fds);
  // Each guest held 9 fds and 8 listings; a leak of even one small object per run would show as megabytes.
  expect(report.after.heap - report.before.heap).toBeLessThan(2 * 1024 * 1024);
}, 180_000);
