export { JspiBridge, jspiAvailable } from './bridge';
export { SuspendingFileSystem } from './suspending-fs';
export { JspiWorld } from './start';
export { isPromiseLike, type AsyncFileSystem, type MaybePromise } from './async-fs';
