/**
 * Starting a guest whose imports suspend: `_start` runs through `WebAssembly.promising`, so the page's event
 * loop keeps running (and the guest's backend promises settle) while the guest waits. The same rules as
 * `WASI.start` (node:wasi's): `_start` must be a function and `_initialize` absent; `proc_exit`'s code is the
 * result.
 */
import { ProcExit } from '@vos/core';
import type { AsyncFileSystem } from './async-fs';
import { JspiBridge, jspiAvailable } from './bridge';
import { SuspendingFileSystem } from './suspending-fs';

interface WasiLike {
  getImportObject(): Record<string, unknown>;
  finalizeBindings(instance: object, options?: { memory?: unknown }): void;
}

/** A JSPI world: a bridge, the filesystems mounted through it, and how to start a guest in it. */
export class JspiWorld {
  readonly bridge = new JspiBridge();

  constructor() {
    if (!jspiAvailable()) throw new Error('vos: this engine has no JSPI (WebAssembly.Suspending / promising)');
  }

  /**
   * A synchronous view of `fs` to mount (in `mounts`) before the `WASI` is built. Opens the root ahead, since the
   * core opens its mounts' roots while it is built, outside any guest call.
   */
  async mount(fs: AsyncFileSystem): Promise<SuspendingFileSystem> {
    const view = new SuspendingFileSystem(this.bridge, fs);
    await view.prepareMount();
    return view;
  }

  /** The WASI import object with the filesystem imports wrapped as suspending imports. */
  imports(wasi: WasiLike): WebAssembly.Imports {
    return this.bridge.wrapImports(wasi.getImportObject() as Record<string, Record<string, unknown>>) as WebAssembly.Imports;
  }

  /**
   * Runs a command instantiated with `imports(wasi)`: resolves to its exit code (0 when `_start` returns, the
   * code given to `proc_exit` otherwise); a trap rejects. Background closes are settled before it resolves.
   */
  async start(wasi: WasiLike, instance: WebAssembly.Instance): Promise<number> {
    const { _start, _initialize } = instance.exports as Record<string, unknown>;
    if (typeof _start !== 'function') throw new TypeError('instance.exports._start must be a function');
    if (_initialize !== undefined) throw new TypeError('instance.exports._initialize must be undefined');
    wasi.finalizeBindings(instance);
    const run = (WebAssembly as unknown as { promising(f: unknown): () => Promise<unknown> }).promising(_start);
    try {
      await run();
      return 0;
    } catch (err) {
      if (err instanceof ProcExit) return err.code | 0;
      throw err;
    } finally {
      await this.bridge.settled();
    }
  }
}
