import type { Container } from 'inversify';
import { errMissingOption } from './errors';

/**
 * The browser build of `@vos/wasi` loads no inversify (a page that composes from options would pay for it at every
 * load: see docs/decisions.md, "The browser build without inversify"), so it cannot make a container for `modules`
 * on its own. The host has inversify (its modules come from it): its container is the one to use.
 */
export function containerForModules(): Container {
  throw errMissingOption(
    'options.container',
    " with options.modules in the browser build of @vos/wasi, which does not load inversify: pass a container of your own inversify with the modules, e.g. `new WASI({ container: new Container(), modules })` with `import { Container } from 'inversify'`",
  );
}
