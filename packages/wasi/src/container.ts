import { Container, ContainerModule } from 'inversify';
import { assertFileSystem, normalizeMountPath, TOKENS, type Clock, type FileSystem, type RandomSource, type Stdio, type Token, type WasiSettings } from '@vos/core';
import { SystemClock } from '@vos/clock';
import { CryptoRandom } from '@vos/random';
import { openHostDirectory, openHostStdio } from './host';
import { childContainer } from './inversify-interop';
import { newMemoryRoot } from './memory-root';
import { parseMounts, type MountSource, type ParsedOptions } from './options';

/**
 * The composition root of `@vos/wasi`: one inversify `ContainerModule` per concern, resolved once per `WASI`
 * instance into plain objects that are handed to the core. Nothing here runs on a syscall path.
 *
 * Cost matters (constructing a WASI is on the instantiate+start benchmark): an inversify `new Container()`
 * costs tens of µs, more than node:wasi's whole constructor, while a `get` on a loaded container costs about
 * 1 µs. So the default modules are built once at module load and loaded once into one shared container; a
 * `WASI` without customisation only pays for a few `get`s. A host that customises pays for a child container.
 */

type HostDirectoryFactory = (hostPath: string) => FileSystem;

/** The validated node:wasi options of the instance being composed (read by the stdio and settings modules). */
export const WASI_OPTIONS: Token<ParsedOptions> = Symbol.for('vos.wasi.Options');

/**
 * A mount namespace as a container binding (the same shape as the `mounts` option, which wins when both are
 * given): guest path -> FileSystem, host directory path, or `({ clock }) => FileSystem`.
 */
export const MOUNTS: Token<Record<string, MountSource>> = Symbol.for('vos.wasi.Mounts');

/** Binds `MOUNTS`: compose a guest's world in a module, e.g. `modules: [mountsModule({ '/data': ro })]`. */
export function mountsModule(mounts: Record<string, MountSource>, preopens?: readonly string[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(MOUNTS).toConstantValue(mounts);
    if (preopens !== undefined) bind(MOUNT_PREOPENS).toConstantValue(preopens);
  });
}
export const MOUNT_PREOPENS: Token<readonly string[]> = Symbol.for('vos.wasi.MountPreopens');

/** Host real-time and monotonic clocks; one `SystemClock` per instance (transient). */
export const clockModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Clock).toDynamicValue(() => new SystemClock());
});

/** `random_get` from the host CSPRNG. */
export const randomModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Random).toDynamicValue(() => new CryptoRandom());
});

/** fds 0-2 over the host fds named by the `stdin`/`stdout`/`stderr` options (checked open, as uvwasi does). */
export const stdioModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Stdio).toDynamicValue((ctx) => {
    const o = ctx.get<ParsedOptions>(WASI_OPTIONS);
    return openHostStdio(o.stdin, o.stdout, o.stderr);
  });
});

/** Preopened host directories are `NodeFileSystem`s (rebind to serve preopens from anything else). */
export const fsModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.HostDirectory).toConstantValue(openHostDirectory);
});

/** args, env and preopens from the options; each preopen's filesystem comes from `TOKENS.HostDirectory`. */
export const settingsModule = new ContainerModule(({ bind }) => {
  bind(TOKENS.Settings).toDynamicValue((ctx): WasiSettings => {
    const o = ctx.get<ParsedOptions>(WASI_OPTIONS);
    const openDirectory = ctx.get<HostDirectoryFactory>(TOKENS.HostDirectory);
    return {
      args: o.args,
      env: o.env,
      preopens: o.preopens.map(([guestPath, hostPath]) => ({ guestPath, fs: openDirectory(hostPath) })),
    };
  });
});

/**
 * The mounts of a namespace as backends: host paths through the HostDirectory factory, factories called with the
 * instance's clock, and a fresh in-memory root when nothing is mounted at `/`.
 */
function composeMounts(
  mounts: NonNullable<ParsedOptions['mounts']>,
  clock: Clock,
  openDirectory: HostDirectoryFactory,
): { path: string; fs: FileSystem }[] {
  const out = mounts.map(([path, source]) => {
    const fs = typeof source === 'string' ? openDirectory(source) : typeof source === 'function' ? source({ clock }) : source;
    if (typeof source === 'function') assertFileSystem(fs, `what the factory of options.mounts['${path}'] returned`);
    return { path, fs };
  });
  if (!out.some((m) => normalizeMountPath(m.path) === '/')) out.unshift({ path: '/', fs: newMemoryRoot(clock) });
  return out;
}

/** The defaults, in the order a host would load them. */
export const defaultModules: readonly ContainerModule[] = [clockModule, randomModule, stdioModule, fsModule, settingsModule];

/** What the core needs, resolved once. */
export interface Providers {
  readonly stdio: Stdio;
  readonly settings: WasiSettings;
  readonly clock: Clock;
  readonly random: RandomSource;
}

// The options of the composition in progress. Composition is synchronous and this slot is saved and restored
// around it, so it never outlives one `composeProviders` call and nested compositions (a provider that builds
// another WASI) see their own options. It exists only so the shared container can serve per-instance options.
let composing: ParsedOptions | undefined;
let shared: Container | undefined;

function sharedContainer(): Container {
  if (shared === undefined) {
    const c = new Container();
    c.bind(WASI_OPTIONS).toDynamicValue(() => {
      if (composing === undefined) throw new Error('vos: WASI_OPTIONS is only available while a WASI is composed');
      return composing;
    });
    c.loadSync(...defaultModules);
    shared = c;
  }
  return shared;
}

/** Which token each default module binds, so a host container that binds the token skips the module. */
const defaultBindings: readonly (readonly [symbol, ContainerModule])[] = [
  [TOKENS.Clock, clockModule],
  [TOKENS.Random, randomModule],
  [TOKENS.Stdio, stdioModule],
  [TOKENS.HostDirectory, fsModule],
  [TOKENS.Settings, settingsModule],
];

/**
 * Resolves the providers of one instance.
 * - No customisation: the shared default container.
 * - `modules`: loaded into a child of the shared container, so a plain `bind(TOKENS.Clock)` shadows the
 *   default. Defaults resolved through the child see the child's bindings (rebinding `TOKENS.HostDirectory`
 *   changes what the default settings module opens).
 * - `container`: a child of the host's container gets the default module of every token the host's container
 *   does not bind, plus `WASI_OPTIONS`; `modules` then go into a grandchild. The host's bindings win, and its
 *   dynamic values can `get(WASI_OPTIONS)` and any default.
 *
 * Resolution order follows uvwasi_init's: stdio first (bad fds), then settings (missing preopens).
 */
export function composeProviders(
  options: ParsedOptions,
  container?: Container,
  modules?: readonly ContainerModule[],
): Providers {
  const hasModules = modules !== undefined && modules.length > 0;
  let resolver: Container;
  if (container === undefined) {
    resolver = sharedContainer();
  } else {
    resolver = childContainer(container);
    resolver.bind(WASI_OPTIONS).toConstantValue(options);
    for (const [token, module] of defaultBindings) {
      if (!container.isBound(token)) resolver.loadSync(module);
    }
  }
  if (hasModules) {
    resolver = childContainer(resolver);
    resolver.loadSync(...modules);
  }
  const saved = composing;
  composing = options;
  try {
    const stdio = resolver.get<Stdio>(TOKENS.Stdio);
    let settings = resolver.get<WasiSettings>(TOKENS.Settings);
    const clock = resolver.get<Clock>(TOKENS.Clock);
    const random = resolver.get<RandomSource>(TOKENS.Random);
    // The namespace is built here, with the one clock this instance resolved (a transient binding would give a
    // second clock to a get of its own): an in-memory filesystem stamps files with the time the guest reads.
    let mountSpec = options.mounts;
    let mountPreopens = options.mountPreopens;
    if (mountSpec === undefined && resolver.isBound(MOUNTS)) {
      const parsed = parseMounts({ mounts: resolver.get(MOUNTS) });
      mountSpec = parsed.mounts;
      mountPreopens = resolver.isBound(MOUNT_PREOPENS) ? resolver.get(MOUNT_PREOPENS) : undefined;
    }
    if (settings.namespace === undefined && mountSpec !== undefined) {
      const openDirectory = resolver.get<HostDirectoryFactory>(TOKENS.HostDirectory);
      const mounts = composeMounts(mountSpec, clock, openDirectory);
      settings = { ...settings, namespace: { mounts, preopens: mountPreopens } };
    }
    return { stdio, settings, clock, random };
  } finally {
    composing = saved;
  }
}
