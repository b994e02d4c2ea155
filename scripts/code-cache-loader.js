'use strict';
// The body of each Node.js stub that scripts/bundle.js writes (dist/X.js, for the bundle dist/X.impl.js; inlined
// so a stub costs one module load, not two). Loads a CommonJS bundle the way Node's own loader does (same
// wrapper, the stub's `module` and `require`), but compiles it with V8's code cache kept next to it
// (X.impl.<hash>.cache, named by the hash of the bundle's text: V8 itself checks a cache only against the
// source's length). V8 then skips parsing and compiling what the cache holds, which is most of a cold start's cost (see docs/decisions.md, "Cold start"). A cache made by
// another V8 (another Node version, other V8 flags) is rejected by V8 itself and the bundle compiles as usual;
// a missing cache is the same. Caches are written only when VOS_CODE_CACHE_WRITE=1 (by `npm run build`, after a
// training run), never while a user's program runs.
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const { wrap } = require('node:module');

const WRITE = process.env.VOS_CODE_CACHE_WRITE === '1';

/** `require` is the stub's own: the bundle sits in the stub's directory, so it resolves the same names. */
function load(filename, cacheFile, module, require) {
  // A hashbang line is a comment to Node's loader; the wrapper would make it a syntax error.
  const source = fs.readFileSync(filename, 'utf8').replace(/^#!/, '//');
  let cachedData;
  if (!WRITE) {
    try {
      cachedData = fs.readFileSync(cacheFile);
    } catch {
      // no cache: compile as usual
    }
  }
  const script = new vm.Script(wrap(source), { filename, cachedData });
  if (WRITE) {
    // At exit, so the cache also holds every function the training run compiled lazily.
    process.once('exit', () => fs.writeFileSync(cacheFile, script.createCachedData()));
  }
  const fn = script.runInThisContext({ displayErrors: true });
  fn.call(module.exports, module.exports, require, module, filename, path.dirname(filename));
  return module.exports;
}
