'use strict';
// Preloaded (`node --require`) by lazy-inversify.test.ts into a run of the vos command: reports on stderr, at exit,
// which registered symbols of inversify's were asked for. `@inversifyjs/common` makes
// `Symbol.for('@inversifyjs/common/islazyServiceIdentifier')` when its module is evaluated, so the report says
// whether inversify was, whatever the build did to its names (the command's one file is minified).
const seen = new Set();
const symbolFor = Symbol.for;
Symbol.for = function probedFor(key) {
  if (String(key).startsWith('@inversifyjs/')) seen.add(String(key));
  return symbolFor.call(this, key);
};
process.on('exit', () => {
  process.stderr.write(`\nvos-inversify-probe ${JSON.stringify([...seen].sort())}\n`);
});
