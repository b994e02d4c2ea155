/**
 * The commands that the examples' file comments and README give (`// Usage: node examples/...`, `//   npx vos run
 * ...` with `\` continuations, `npx jest ...`) are run exactly as written, from the repo root, with optional
 * `[args]` left out: a comment cannot drift from a command that works.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The commands in a file's leading comment lines. */
function commandsOf(file: string): string[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  const comment: string[] = [];
  for (const l of lines) {
    if (!/^\s*(\/\/|\/\*\*?|\*)/.test(l)) break;
    comment.push(l.replace(/^\s*(\/\/|\/\*\*?|\*\/?)\s?/, ''));
  }
  const out: string[] = [];
  for (let i = 0; i < comment.length; i++) {
    const m = /^(?:Usage:\s*|\s+)((?:npx vos |node examples\/).*)$/.exec(comment[i]) ?? /`(npx (?:vos|jest) [^`]+)`/.exec(comment[i]);
    if (m === null) continue;
    let cmd = m[1].trim();
    while (cmd.endsWith('\\') && i + 1 < comment.length) cmd = `${cmd.slice(0, -1).trim()} ${comment[++i].trim()}`;
    out.push(cmd.replace(/\s*\[[^\]]*\]/g, '').trim());
  }
  return out;
}

const FILES = fs.readdirSync(path.join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'playground')
  .flatMap((d) => fs.readdirSync(path.join(ROOT, 'examples', d.name)).filter((f) => /\.(js|ts)$/.test(f)).map((f) => `examples/${d.name}/${f}`));
const COMMANDS = FILES.flatMap((f) => commandsOf(f).map((c) => [f, c] as const));

test('every example file gives at least one command', () => {
  for (const f of FILES.filter((name) => name.endsWith('run.js'))) expect([f, commandsOf(f).length > 0]).toEqual([f, true]);
  expect(COMMANDS.some(([, c]) => c.startsWith('npx vos'))).toBe(true);
});

test("the README's front door: what follows `npm ci &&` runs a program in the in-memory sandbox", () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const first = /```sh\n(npm ci && (.+))\n```/.exec(readme);
  expect(first).not.toBeNull();
  const r = spawnSync('bash', ['-c', first![2]], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  expect(r.stdout).toMatch(/^hello from /);
  expect(r.stdout).toMatch(/from the guest: refused/);
}, 70_000);

test.each(COMMANDS)('%s: `%s` works from the repo root', (_file, command) => {
  if (command.startsWith('npx jest ')) {
    // A test file of the main run (jest inside jest would only repeat it): it must exist and be a test.
    const target = command.slice('npx jest '.length).trim();
    expect(fs.existsSync(path.join(ROOT, target)) && target.endsWith('.test.ts')).toBe(true);
    return;
  }
  const r = spawnSync('bash', ['-c', command], {
    cwd: ROOT, encoding: 'utf8', timeout: 60_000,
    env: { ...process.env, PATH: `${path.join(ROOT, 'node_modules/.bin')}:${process.env.PATH}` },
  });
  // stderr carries only what the command promises there (`--diff`'s report), never an error.
  const stderr = command.includes('--diff') ? r.stderr.replace(/^(--- .*|[ADM] .*)\n/gm, '') : r.stderr;
  expect({ status: r.status, stderr }).toEqual({ status: 0, stderr: '' });
}, 70_000);
