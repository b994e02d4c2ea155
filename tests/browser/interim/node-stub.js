// INTERIM (until the `pack` engineer's browser builds land on main): stands in for a node:* module that a
// package's Node-only code path imports. Every function throws, naming itself; plain data (fs.constants) is kept.
'use strict';
module.exports = function stub(name, keys, data) {
  const out = { ...data };
  for (const key of keys) {
    if (key in out) continue;
    out[key] = function unavailable() {
      throw new Error(`${name}.${key} is not available in a browser`);
    };
  }
  return out;
};
