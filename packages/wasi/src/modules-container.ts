import type { Container } from 'inversify';

/**
 * The container that stands in for `options.container` when a host passes `modules` without one. Node.js builds
 * make it with the inversify they carry (inlined, see docs/decisions.md, "Cold start"); the browser build has no
 * inversify of its own and asks for the host's container instead (modules-container.browser.ts).
 *
 * A `require` at the first call, not an `import`: inversify is loaded and evaluated the first time a host needs
 * this container, never by a `new WASI` composed from options (most hosts, and the cold start `npm run bench`
 * measures). In the built package the required file is dist/inversify-container.js, a file of its own with its
 * own code cache (scripts/bundle.js); `tests/packaging/lazy-inversify.test.ts` checks that a plain `new WASI`
 * loads none of it.
 */
export function containerForModules(): Container {
  const { Container: InversifyContainer } = require('./inversify-container') as typeof import('./inversify-container');
  return new InversifyContainer();
}
