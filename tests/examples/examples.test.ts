// Every examples/*/run.js, as a user runs it (`node examples/NAME/run.js`), against the built packages (built from
// the current sources by the jest global setup, tests/helpers/global-setup.js).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

function run(name: string, ...args: string[]): string {
  const r = spawnSync(process.execPath, [join('examples', name, 'run.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

test('every example directory has a run.js', () => {
  for (const d of readdirSync(join(ROOT, 'examples'), { withFileTypes: true })) {
    if (d.isDirectory()) expect(existsSync(join(ROOT, 'examples', d.name, 'run.js'))).toBe(true);
  }
});

test('testing-with-jest', () => {
  expect(run('testing-with-jest', '2024-07-07T19:00:00Z')).toBe(
    'captured stdout:\nGood evening!\nIt is 2024-07-07 19:00 UTC\nAn hour later it is 2024-07-07 20:00 UTC\n' +
      'exit code 0; the fake clock now reads 2024-07-07T20:00:00.000Z\n',
  );
});

test('read-only-data', () => {
  const out = run('read-only-data');
  expect(out).toContain('write /data/temperatures.csv: Read-only file system\nrm /data/README.txt: Read-only file system\n');
  expect(out).toContain('wrote /tmp-results.txt\nfine\n');
  expect(out).toMatch(/still reads:\nstation,temp_c\noslo,4\nlima,19\n$/);
});

test('copy-on-write', () => {
  expect(run('copy-on-write')).toMatch(
    /what the guest changed:\nD build\.log\nM README\.md\nA src\/gen\.c\nproject\/README\.md on the host is unchanged\nproject\/build\.log on the host still exists\n$/,
  );
});

test('custom-sandbox', () => {
  expect(run('custom-sandbox')).toBe('Welcome to the custom sandbox.\ntranquility\nrealtime: 1000000000000000000\nslept: 90 s\nexit code 0\n');
});

test('hello', () => {
  expect(run('hello')).toContain('reading /sandbox/../../../etc/passwd from the guest: refused');
});
