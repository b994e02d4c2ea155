// The module object itself (an `import *` of node:fs is a copy whose properties a spy cannot replace).
const nodeFs = require('node:fs') as typeof import('node:fs');

/** Calls of `fs.realpathSync` and `fs.realpathSync.native` (the two ways Node resolves a path) while `f` runs. */
export function realpathCalls(f: () => void): number {
  const native = jest.spyOn(nodeFs.realpathSync, 'native');
  const js = jest.spyOn(nodeFs, 'realpathSync');
  try {
    f();
    return js.mock.calls.length + native.mock.calls.length;
  } finally {
    js.mockRestore();
    native.mockRestore();
  }
}
