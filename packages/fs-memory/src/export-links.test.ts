// toHostDirectory and the outside-symlink policy (issue 9): the symlinks an export writes are followed by the
// host's own tools, so by default none may lead outside the export directory, now or after a later move of a
// directory (the rule for a guest's links on a host directory, `linkTargetMayLeave`).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SystemClock } from '@vos/clock';
import { MemoryFileSystem } from './memory-file-system';
import type { MemoryTree } from './tree';

let tmp: string;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'vos-export-links-'));
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const fromObject = (tree: MemoryTree): MemoryFileSystem => MemoryFileSystem.fromObject(tree, { clock: new SystemClock() });

test.each<[string, MemoryTree, string, string]>([
  ['an absolute target', { 'data.txt': 'x', abs: { symlink: '/etc/passwd' } }, 'abs', '/etc/passwd'],
  ['a climb from the top', { up: { symlink: '../x' } }, 'up', '../x'],
  ['two climbs from a subdirectory (inside now, outside once a/b moves up)', { a: { b: { two: { symlink: '../../x' } } } }, 'a/b/two', '../../x'],
  ['a climb after a name', { a: { l: { symlink: 'b/../x' }, b: {} } }, 'a/l', 'b/../x'],
])('%s: refused, naming the link, before anything is written', (_what, tree, path, target) => {
  const out = join(tmp, 'out');
  const fs = fromObject({ first: 'written before the link, in order', ...tree });
  let error: (Error & { code?: string }) | undefined;
  try {
    fs.toHostDirectory(out);
  } catch (err) {
    error = err as Error & { code?: string };
  }
  expect(error?.message).toBe(
    `toHostDirectory: ${path}: symlink target "${target}" could lead outside ${out} (absolute, or climbing with '..'` +
    ` further than a later move of its directory keeps inside); nothing was written (allowOutsideSymlinks: true writes such links)`,
  );
  expect(error?.code).toBe('EPERM');
  expect(existsSync(out)).toBe(false);
  // An existing directory stays as it was.
  mkdirSync(out);
  expect(() => fs.toHostDirectory(out)).toThrow(/could lead outside/);
  expect(readdirSync(out)).toEqual([]);
  // allowOutsideSymlinks writes it as it is.
  fs.toHostDirectory(out, { allowOutsideSymlinks: true });
  expect(readlinkSync(join(out, path))).toBe(target);
});

test('links that stay inside wherever their directories go are written by default', () => {
  const out = join(tmp, 'out');
  fromObject({ 'a.txt': 'a', down: { symlink: 'd/./e' }, d: { up: { symlink: '../a.txt' }, e: { dot: { symlink: '.' } } } })
    .toHostDirectory(out);
  expect(readlinkSync(join(out, 'down'))).toBe('d/./e');
  expect(readlinkSync(join(out, 'd', 'up'))).toBe('../a.txt');
  expect(readlinkSync(join(out, 'd', 'e', 'dot'))).toBe('.');
});

test('the name in the error is escaped (a terminal shows it, never acts on it)', () => {
  expect(() => fromObject({ 'evil\u001b[2J\n': { symlink: '../\u202ex' } }).toHostDirectory(join(tmp, 'out'))).toThrow(
    /^toHostDirectory: evil\\u001b\[2J\\n: symlink target "..\/\\u202ex" could lead outside/,
  );
});

test('bad options are a TypeError naming the option', () => {
  const fs = fromObject({});
  expect(() => fs.toHostDirectory(join(tmp, 'out'), { allowOutsideSymlinks: 'yes' as unknown as boolean })).toThrow(
    'vos: toHostDirectory options.allowOutsideSymlinks must be a boolean, got string',
  );
  expect(() => fs.toHostDirectory(join(tmp, 'out'), null as never)).toThrow('vos: toHostDirectory options must be an object');
  expect(existsSync(join(tmp, 'out'))).toBe(false);
});
