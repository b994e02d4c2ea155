'use strict';
// The training run behind the vos command's V8 code cache (run by scripts/bundle.js with VOS_CODE_CACHE_WRITE=1):
// hello world through `vos run`, plain and with --deterministic, in one process, since the command's one cache
// is written at exit. A plain run composes from options and never evaluates inversify; --deterministic (like
// --seed and --fake-clock) composes through container modules and evaluates it, so the cache holds both paths
// compiled (see docs/decisions.md, "Cold start").
const path = require('node:path');

const ROOT = path.join(__dirname, '..');
const VOS = path.join(ROOT, 'packages', 'cli', 'dist', 'vos.js');
// A build of other packages only, before the command was ever built: nothing to train.
if (!require('node:fs').existsSync(VOS)) process.exit(0);
const { main } = require(VOS);
for (const flags of [[], ['--deterministic']]) {
  const status = main(['run', ...flags, path.join(ROOT, 'examples', 'hello', 'hello.wasm')]);
  if (status !== 0) throw new Error(`vos run ${flags.join(' ')} hello.wasm: exit status ${status}`);
}
