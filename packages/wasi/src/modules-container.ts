import type { Container } from 'inversify';

/**
 * The container that stands in for `options.container` when a host passes `modules` without one. Node.js builds
 * make it with the inversify they carry (inlined, see docs/decisions.md, "Cold start"); the browser build has no
 * inversify of its own and asks for the host's container instead (modules-container.browser.ts).
 *
 * The `require` is here, not an `import` at the top, so that inversify is evaluated the first time a host needs
 * this container and never by a `new WASI` composed from options (most hosts, and the cold start that
 * `npm run bench` measures). esbuild turns it into a lazy initialiser of the inlined copy (scripts/bundle.js
 * resolves it to inversify's ES module build, the one an `import` gets); `tests/packaging/lazy-inversify.test.ts`
 * checks that a plain `new WASI` evaluates no inversify.
 */
export function containerForModules(): Container {
  const { Container: InversifyContainer } = require('inversify') as typeof import('inversify');
  return new InversifyContainer();
}
