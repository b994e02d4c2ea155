// The browser build does not load `reflect-metadata` (see docs/decisions.md, "The browser build without inversify"):
// a page that composes from options never uses it, and a host that composes with inversify gets the same global
// Reflect metadata API from inversify itself, which loads `reflect-metadata/lite` (the whole API, without the
// Map/Set/WeakMap polyfills every browser that runs WebAssembly has no use for) before any of the host's
// decorators can run.
export {};
