import { assertFileSystem, fileSystemContractError, OPTIONAL_METHODS, REQUIRED_METHODS } from './fs-contract';

/** A minimal object that keeps the whole contract (every method a no-op), with `change` applied. */
function backend(change: (fs: Record<string, unknown>) => void = () => {}): Record<string, unknown> {
  const fs: Record<string, unknown> = {
    capabilities: { readOnly: false, symlinks: true, hardLinks: true, timestampResolutionNs: 1n },
  };
  for (const m of REQUIRED_METHODS) fs[m] = () => 0;
  change(fs);
  return fs;
}

test('an object with every required method and the capabilities keeps the contract', () => {
  expect(fileSystemContractError(backend())).toBeNull();
  expect(fileSystemContractError(backend((fs) => { for (const m of OPTIONAL_METHODS) fs[m] = () => 0; }))).toBeNull();
});

// The check is written twice (named reads for speed, loops for the message): both must see every name.
test.each(REQUIRED_METHODS)('a backend without %s() is refused, naming it', (m) => {
  expect(fileSystemContractError(backend((fs) => delete fs[m]))).toBe(`has no ${m}() method`);
  expect(fileSystemContractError(backend((fs) => (fs[m] = 1)))).toBe(`has no ${m}() method`);
});

test.each(OPTIONAL_METHODS)('an optional %s that is not a function is refused, naming it', (m) => {
  expect(fileSystemContractError(backend((fs) => (fs[m] = 'yes')))).toBe(`has a ${m} that is not a function`);
});

test.each([
  ['no capabilities object', (fs: Record<string, unknown>) => delete fs.capabilities, 'has no capabilities object'],
  ['readOnly not boolean', (fs: Record<string, unknown>) => ((fs.capabilities as Record<string, unknown>).readOnly = 1), 'has no boolean capabilities.readOnly'],
  ['symlinks missing', (fs: Record<string, unknown>) => delete (fs.capabilities as Record<string, unknown>).symlinks, 'has no boolean capabilities.symlinks'],
  ['hardLinks missing', (fs: Record<string, unknown>) => delete (fs.capabilities as Record<string, unknown>).hardLinks, 'has no boolean capabilities.hardLinks'],
  ['resolution a number', (fs: Record<string, unknown>) => ((fs.capabilities as Record<string, unknown>).timestampResolutionNs = 1), 'has no capabilities.timestampResolutionNs (a bigint >= 1n)'],
  ['resolution 0n', (fs: Record<string, unknown>) => ((fs.capabilities as Record<string, unknown>).timestampResolutionNs = 0n), 'has no capabilities.timestampResolutionNs (a bigint >= 1n)'],
] as const)('capabilities: %s is refused', (_name, change, message) => {
  expect(fileSystemContractError(backend(change))).toBe(message);
});

test('methods inherited from a prototype count, and non-objects are refused', () => {
  expect(fileSystemContractError(Object.create(backend()))).toBeNull();
  expect(fileSystemContractError(null)).toBe('is not an object');
  expect(fileSystemContractError(() => 0)).toBe('is not an object');
});

// assertFileSystem checks the usual case with the named reads alone and falls back to the loops for the message:
// every broken contract must still throw, naming the part.
test('assertFileSystem accepts a whole backend and throws a TypeError naming what is broken otherwise', () => {
  expect(() => assertFileSystem(backend(), 'the mount')).not.toThrow();
  expect(() => assertFileSystem(Object.create(backend()), 'the mount')).not.toThrow();
  expect(() => assertFileSystem(null, 'the mount')).toThrow(new TypeError('vos: the mount is not a FileSystem: it is not an object'));
  expect(() => assertFileSystem(() => 0, 'the mount')).toThrow(new TypeError('vos: the mount is not a FileSystem: it is not an object'));
  for (const m of REQUIRED_METHODS) {
    expect(() => assertFileSystem(backend((fs) => delete fs[m]), 'the mount')).toThrow(new TypeError(`vos: the mount is not a FileSystem: it has no ${m}() method`));
  }
  for (const m of OPTIONAL_METHODS) {
    expect(() => assertFileSystem(backend((fs) => (fs[m] = 'yes')), 'the mount')).toThrow(`it has a ${m} that is not a function`);
  }
  expect(() => assertFileSystem(backend((fs) => delete fs.capabilities), 'the mount')).toThrow('it has no capabilities object');
  expect(() => assertFileSystem(backend((fs) => ((fs.capabilities as Record<string, unknown>).timestampResolutionNs = 0n)), 'the mount')).toThrow('timestampResolutionNs');
});
