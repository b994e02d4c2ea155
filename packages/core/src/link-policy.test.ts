import { linkTargetMayLeave } from './link-policy';

// [target, may leave from the root, may leave from a subdirectory]
const TABLE: readonly [string, boolean, boolean][] = [
  ['x', false, false],
  ['a/b/c', false, false],
  ['./a//b/', false, false],
  ['a..b/..c', false, false], // names that merely contain dots
  ['.', false, false],
  ['..', true, false],
  ['../', true, false],
  ['../x', true, false],
  ['./../x/y', true, false],
  ['..//x', true, false],
  ['../..', true, true],
  ['../../x', true, true],
  ['.././../x', true, true],
  ['../x/..', true, true], // a climb after a name
  ['a/..', true, true],
  ['a/../b', true, true],
  ['a/./../../x', true, true],
  ['/', true, true],
  ['/etc/passwd', true, true],
  ['//x', true, true],
];

test.each(TABLE)('%j: from the root %p, from a subdirectory %p', (target, fromRoot, fromSub) => {
  expect(linkTargetMayLeave(target, true)).toBe(fromRoot);
  expect(linkTargetMayLeave(target, false)).toBe(fromSub);
});
