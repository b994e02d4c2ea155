'use strict';
/**
 * INTERIM (delete when the `pack` engineer's browser builds are on main): lets the test pages bundle packages
 * whose browser entries do not exist yet, by resolving node:* imports to stubs that throw on use, except for the
 * two members a browser world really calls: `randomFillSync` (from crypto.getRandomValues) and `inspect` (for
 * error messages). `process` is injected from ./process.js.
 */
const path = require('node:path');

const SPECIAL = {
  crypto: `module.exports = { randomFillSync(buf, off = 0, len = buf.length - off) {
    for (let at = off; at < off + len; at += 65536) crypto.getRandomValues(buf.subarray(at, Math.min(at + 65536, off + len)));
    return buf;
  } };`,
  util: 'module.exports = { inspect: (v) => { try { return JSON.stringify(v) ?? String(v); } catch { return String(v); } } };',
};

/** A CommonJS stub with the real module's export names (functions that throw) and its plain-data members. */
function stubSource(name) {
  const real = require(`node:${name}`);
  const keys = Object.keys(real);
  const data = {};
  for (const k of keys) if (real[k] !== null && typeof real[k] === 'object' && k === 'constants') data[k] = real[k];
  return `module.exports = require(${JSON.stringify(path.join(__dirname, 'node-stub.js'))})(${JSON.stringify('node:' + name)}, ${JSON.stringify(keys)}, ${JSON.stringify(data)});`;
}

function interimNodeStubsPlugin() {
  const builtins = new Set(require('node:module').builtinModules);
  return {
    name: 'interim-node-stubs',
    setup(build) {
      build.initialOptions.inject = [...(build.initialOptions.inject ?? []), path.join(__dirname, 'process.js')];
      build.onResolve({ filter: /.*/ }, (args) => {
        const bare = args.path.startsWith('node:') ? args.path.slice(5) : args.path;
        if (!args.path.startsWith('node:') && !builtins.has(bare)) return undefined;
        return { path: bare, namespace: 'interim-node' };
      });
      build.onLoad({ filter: /.*/, namespace: 'interim-node' }, (args) => ({
        contents: SPECIAL[args.path] ?? stubSource(args.path),
        loader: 'js',
        resolveDir: __dirname,
      }));
    },
  };
}

module.exports = { interimNodeStubsPlugin };
