// The Reflect metadata API (`Reflect.getMetadata`, `Reflect.metadata`, ...) for hosts that compose with decorated
// classes (`@injectable()`, TypeScript's `emitDecoratorMetadata`), loaded once, at the package entry, as
// @vos/wasi always has on Node.js. The browser build does not load it (metadata-api.browser.ts).
import 'reflect-metadata';
