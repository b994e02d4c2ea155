import { Container, ContainerModule } from 'inversify';

/**
 * Containers and modules that come from another copy of inversify. The Node.js builds of @vos/wasi carry their own
 * one-file copy of inversify (loading the `inversify` package's 300 CommonJS files cost ~50 ms of every cold
 * start; see docs/decisions.md, "Cold start"), so the `Container` a host makes with its own
 * `require('inversify')` is not an instance of ours. What composition needs works across copies: a module is
 * `{ id, load(options) }`, and a child container is made with the parent's own class, since inversify reads its
 * parent's private state.
 */

/** Any inversify 7 `Container`, from whichever copy of inversify. */
export function isContainer(value: unknown): value is Container {
  if (value instanceof Container) return true;
  const c = value as Partial<Record<'get' | 'bind' | 'isBound' | 'loadSync' | 'unbind', unknown>> | null;
  return (
    typeof value === 'object' && c !== null && typeof c.get === 'function' && typeof c.bind === 'function' &&
    typeof c.isBound === 'function' && typeof c.loadSync === 'function' && typeof c.unbind === 'function' &&
    typeof (value as { constructor?: unknown }).constructor === 'function'
  );
}

/** Any inversify 7 `ContainerModule`, from whichever copy of inversify. */
export function isContainerModule(value: unknown): value is ContainerModule {
  if (value instanceof ContainerModule) return true;
  const m = value as { id?: unknown; load?: unknown } | null;
  return typeof value === 'object' && m !== null && typeof m.load === 'function' && typeof m.id === 'number';
}

/** A child of `parent`, made by the copy of inversify that made `parent`. */
export function childContainer(parent: Container): Container {
  const Ctor = parent.constructor as typeof Container;
  return new Ctor({ parent });
}
