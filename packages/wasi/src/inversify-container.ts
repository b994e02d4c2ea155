// inversify's `Container`, for the Node.js builds only, in a file of its own: scripts/bundle.js builds it as a
// separate CommonJS file (`vos.entries`, dist/inversify-container.js, with inversify inlined and its own V8 code
// cache) and leaves the `require` in modules-container.ts a `require` of that file. So `@vos/wasi` loads and
// compiles inversify only when a host first passes `modules` without a `container`, and a cold start composed from
// options neither evaluates it nor deserializes its compiled code (see docs/decisions.md, "Cold start").
export { Container } from 'inversify';
