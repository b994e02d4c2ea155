import type { Container, ContainerModule, ContainerModuleLoadOptions } from 'inversify';

/**
 * inversify as `@vos/wasi` sees it: structurally, with no value import of the `inversify` package, so that loading
 * `@vos/wasi` evaluates no inversify code (a browser page that composes from options never pays for it: see
 * docs/decisions.md, "The browser build without inversify"). Everything composition needs works that way, and
 * works across copies of inversify (the Node.js builds carry their own one-file copy, and a host's
 * `require('inversify')` is another one):
 * - a module is `{ id, load(options) }`: inversify 7's `load`/`loadSync` call `module.load(options)` and key the
 *   bindings it makes by `module.id`, which `unload` removes again; nothing else of a module is read;
 * - a child container is made with the parent's own class, since inversify reads its parent's private state.
 */

/** Any inversify 7 `Container`, from whichever copy of inversify. */
export function isContainer(value: unknown): value is Container {
  const c = value as Partial<Record<'get' | 'bind' | 'isBound' | 'loadSync' | 'unbind', unknown>> | null;
  return (
    typeof value === 'object' && c !== null && typeof c.get === 'function' && typeof c.bind === 'function' &&
    typeof c.isBound === 'function' && typeof c.loadSync === 'function' && typeof c.unbind === 'function' &&
    typeof (value as { constructor?: unknown }).constructor === 'function'
  );
}

/** Any inversify 7 `ContainerModule` (from whichever copy of inversify), or one made by `containerModule`. */
export function isContainerModule(value: unknown): value is ContainerModule {
  const m = value as { id?: unknown; load?: unknown } | null;
  return typeof value === 'object' && m !== null && typeof m.load === 'function' && typeof m.id === 'number';
}

/** A child of `parent`, made by the copy of inversify that made `parent`. */
export function childContainer(parent: Container): Container {
  const Ctor = parent.constructor as typeof Container;
  return new Ctor({ parent });
}

/**
 * A container module without inversify: `{ id, load }`, what inversify 7 reads of a `ContainerModule`
 * (`@inversifyjs/container`'s ContainerModuleManager: `load` calls `module.load(loadOptions(module.id))`, and
 * `unload` removes the bindings, activations and deactivations keyed by `module.id`). Frozen: a module is a value.
 *
 * The ids are negative half-integers (-0.5, -1.5, ...). inversify numbers its own modules with integers (from 0
 * up, wrapping to `Number.MIN_SAFE_INTEGER` after `MAX_SAFE_INTEGER`, in a counter shared by its copies through
 * the Reflect metadata of `Object`), so no id made here can equal one of inversify's; and the counter lives on
 * `globalThis` under a registered symbol, as inversify's, so that two copies of `@vos/wasi` in one realm do not
 * hand out the same id either (two modules with one id in a container would be unloaded together).
 */
export function containerModule(load: (options: ContainerModuleLoadOptions) => void): ContainerModule {
  return Object.freeze({ id: nextModuleId(), load }) as unknown as ContainerModule;
}

const MODULE_ID_COUNTER = Symbol.for('@vos/wasi/containerModuleId');
let localCounter = 0;

function nextModuleId(): number {
  const registry = globalThis as { [MODULE_ID_COUNTER]?: number };
  const n = registry[MODULE_ID_COUNTER] ?? localCounter;
  localCounter = n + 1;
  try {
    registry[MODULE_ID_COUNTER] = n + 1;
  } catch {
    // A frozen global (SES lockdown): ids stay unique within this copy of @vos/wasi.
  }
  return -n - 0.5;
}
