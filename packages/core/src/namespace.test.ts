import fc from 'fast-check';
import { normalizeMountPath } from './namespace';

test.each([
  ['/', '/'],
  ['/a', '/a'],
  ['/a/b', '/a/b'],
  ['/a/', '/a'],
  ['//a//b//', '/a/b'],
  ['/./a/.', '/a'],
  ['/.a/..b/...', '/.a/..b/...'],
  ['/a/./b', '/a/b'],
  ['/.', '/'],
  ['//', '/'],
])('normalizeMountPath(%j) is %j', (input, output) => {
  expect(normalizeMountPath(input)).toBe(output);
});

test.each(['a', '', 'a/b', '/a/../b', '/..', '/a/..', '/a\0b'])('normalizeMountPath(%j) is refused', (input) => {
  expect(() => normalizeMountPath(input)).toThrow(/^vos: mount path /);
});

test('a path already normal comes back as is; any other is normalised by the general rule', () => {
  const component = fc.constantFrom('a', 'b', '.', '..', '', '.x', '..y', 'z.');
  fc.assert(
    fc.property(fc.array(component, { maxLength: 6 }), fc.boolean(), (parts, trailing) => {
      const path = '/' + parts.join('/') + (trailing ? '/' : '');
      if (parts.includes('..')) {
        expect(() => normalizeMountPath(path)).toThrow();
        return;
      }
      const kept = parts.filter((p) => p !== '' && p !== '.');
      expect(normalizeMountPath(path)).toBe('/' + kept.join('/'));
    }),
  );
});
