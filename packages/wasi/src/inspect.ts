// Node's own value formatter, for error messages identical to node:wasi's. inspect.browser.ts replaces it in the
// browser build.
export { inspect } from 'node:util';
