import { Container } from 'inversify';

/**
 * The container that stands in for `options.container` when a host passes `modules` without one. Node.js builds
 * make it with the inversify they carry (inlined, see docs/decisions.md, "Cold start"); the browser build has no
 * inversify of its own and asks for the host's container instead (modules-container.browser.ts).
 */
export function containerForModules(): Container {
  return new Container();
}
