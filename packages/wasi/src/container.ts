import type { Container, ContainerModule } from 'inversify';
import { assertFileSystem, normalizeMountPath, TOKENS, type Clock, type FileSystem, type RandomSource, type Stdio, type Token, type WasiSettings } from '@vos/core';
import { SystemClock } from '@vos/clock';
import { CryptoRandom } from '@vos/random';
import { openHostDirectory, openHostStdio } from './host';
import { childContainer, containerModule } from './inversify-interop';
import { newMemoryRoot } from './memory-root';
import { containerForModules } from './modules-container';
import { parseMounts, type MountSource, type ParsedOptions } from './options';

/**
 * The composition root of `@vos/wasi`. Hosts compose with DI: one inversify `ContainerModule` per concern, each
 * binding a token to one of the plain default factories below, resolved once per `WASI` instance into plain
 * objects that are handed to the core. Nothing here runs on a syscall path, and nothing here is module-level
 * state: every composition is its own.
 *
 * Cost matters (constructing many sandboxes is a benchmark): an inversify `new Container()` costs tens of µs,
 * more than node:wasi's whole constructor, and keeps 15-20 KiB alive per instance. So a `WASI` built from
 * options alone (`stdio`, `deterministic`, `mounts` included) never makes a container: it calls the same default
 * factories directly. Only a host that brings its own `container` or `modules` goes through inversify, and pays
 * for one child container per instance.
 *
 * The modules are structural (`containerModule`, inversify-interop.ts): this file loads no inversify code, so a
 * page that composes from options never evaluates inversify (nor `reflect-metadata`) at all.
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
  return containerModule(({ bind }) => {
    bind(MOUNTS).toConstantValue(mounts);
    if (preopens !== undefined) bind(MOUNT_PREOPENS).toConstantValue(preopens);
  });
}
export const MOUNT_PREOPENS: Token<readonly string[]> = Symbol.for('vos.wasi.MountPreopens');

// ---- the defaults, as plain factories (what the modules bind, and what a plain composition calls) ----

const defaultClock = (): Clock => new SystemClock();
const defaultRandom = (): RandomSource => new CryptoRandom();
const defaultStdio = (o: ParsedOptions): Stdio => openHostStdio(o.stdin, o.stdout, o.stderr);
const defaultSettings = (o: ParsedOptions, openDirectory: HostDirectoryFactory): WasiSettings => ({
  args: o.args,
  env: o.env,
  preopens: o.preopens.map(([guestPath, hostPath]) => ({ guestPath, fs: openDirectory(hostPath) })),
});

/** Host real-time and monotonic clocks; one `SystemClock` per instance (transient). */
export const clockModule = containerModule(({ bind }) => {
  bind(TOKENS.Clock).toDynamicValue(defaultClock);
});

/** `random_get` from the host CSPRNG. */
export const randomModule = containerModule(({ bind }) => {
  bind(TOKENS.Random).toDynamicValue(defaultRandom);
});

/** fds 0-2 over the host fds named by the `stdin`/`stdout`/`stderr` options (checked open, as uvwasi does). */
export const stdioModule = containerModule(({ bind }) => {
  bind(TOKENS.Stdio).toDynamicValue((ctx) => defaultStdio(ctx.get<ParsedOptions>(WASI_OPTIONS)));
});

/** Preopened host directories are `NodeFileSystem`s (rebind to serve preopens from anything else). */
export const fsModule = containerModule(({ bind }) => {
  bind(TOKENS.HostDirectory).toConstantValue(openHostDirectory);
});

/** args, env and preopens from the options; each preopen's filesystem comes from `TOKENS.HostDirectory`. */
export const settingsModule = containerModule(({ bind }) => {
  bind(TOKENS.Settings).toDynamicValue((ctx): WasiSettings =>
    defaultSettings(ctx.get<ParsedOptions>(WASI_OPTIONS), ctx.get<HostDirectoryFactory>(TOKENS.HostDirectory)));
});

/**
 * The namespace of the `mounts` option, as the core takes it: host paths through the HostDirectory factory,
 * factories called with the instance's clock, and, when nothing is mounted at `/`, a fresh in-memory root made
 * only if the namespace needs it (`WasiCoreConfig.namespace.root`).
 */
function composeNamespace(
  mounts: NonNullable<ParsedOptions['mounts']>,
  preopens: readonly string[] | undefined,
  clock: Clock,
  openDirectory: HostDirectoryFactory,
): NonNullable<WasiSettings['namespace']> {
  let hasRoot = false;
  const out = mounts.map(([path, source]) => {
    const fs = typeof source === 'string' ? openDirectory(source) : typeof source === 'function' ? source({ clock }) : source;
    if (typeof source === 'function') assertFileSystem(fs, `what the factory of options.mounts['${path}'] returned`);
    // Only slashes and dots can name `/` (the namespace refuses '..' itself).
    if (!hasRoot && (path === '/' || (/^[/.]+$/.test(path) && normalizeMountPath(path) === '/'))) hasRoot = true;
    return { path, fs };
  });
  return { mounts: out, preopens, root: hasRoot ? undefined : () => newMemoryRoot(clock) };
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

/** Which token each default module binds, so a host container that binds the token skips the module. */
const defaultBindings: readonly (readonly [symbol, ContainerModule])[] = [
  [TOKENS.Clock, clockModule],
  [TOKENS.Random, randomModule],
  [TOKENS.Stdio, stdioModule],
  [TOKENS.HostDirectory, fsModule],
  [TOKENS.Settings, settingsModule],
];

/** Providers an instance's own options decide (`deterministic`, `stdio`): they replace the defaults. */
export interface ProviderOverrides {
  readonly clock?: Clock;
  readonly random?: RandomSource;
  readonly stdio?: Stdio;
}

/**
 * Resolves the providers of one instance.
 * - Options only: plain objects from the default factories and `overrides`; no container.
 * - `container`: a child of the host's container gets the default module of every token the host's container
 *   does not bind, plus `WASI_OPTIONS`. Without `container` but with `modules`, a fresh container with the
 *   defaults stands in for it (Node.js builds; the browser build, which loads no inversify, throws
 *   ERR_MISSING_OPTION for `options.container` instead: modules-container.browser.ts).
 * - `overrides` are bound in a child of that, and `modules` in a grandchild, so a plain `bind(TOKENS.Clock)` in a
 *   host module shadows both the default and the option. Defaults resolved through the grandchild see its
 *   bindings (rebinding `TOKENS.HostDirectory` changes what the default settings module opens). The host's
 *   dynamic values can `get(WASI_OPTIONS)` and any default.
 *
 * Resolution order follows uvwasi_init's: stdio first (bad fds), then settings (missing preopens).
 */
export function composeProviders(
  options: ParsedOptions,
  container?: Container,
  modules?: readonly ContainerModule[],
  overrides: ProviderOverrides = {},
): Providers {
  const hasModules = modules !== undefined && modules.length > 0;
  if (container === undefined && !hasModules) return composePlain(options, overrides);
  let resolver: Container;
  if (container === undefined) {
    resolver = containerForModules();
    resolver.bind(WASI_OPTIONS).toConstantValue(options);
    resolver.loadSync(...defaultModules);
  } else {
    resolver = childContainer(container);
    resolver.bind(WASI_OPTIONS).toConstantValue(options);
    for (const [token, module] of defaultBindings) {
      if (!container.isBound(token)) resolver.loadSync(module);
    }
  }
  if (overrides.clock !== undefined || overrides.random !== undefined || overrides.stdio !== undefined) {
    resolver = childContainer(resolver);
    if (overrides.clock !== undefined) resolver.bind(TOKENS.Clock).toConstantValue(overrides.clock);
    if (overrides.random !== undefined) resolver.bind(TOKENS.Random).toConstantValue(overrides.random);
    if (overrides.stdio !== undefined) resolver.bind(TOKENS.Stdio).toConstantValue(overrides.stdio);
  }
  if (hasModules) {
    resolver = childContainer(resolver);
    resolver.loadSync(...modules);
  }
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
    settings = { ...settings, namespace: composeNamespace(mountSpec, mountPreopens, clock, openDirectory) };
  }
  return { stdio, settings, clock, random };
}

/** The same steps as the container path, with the default factories called directly. */
function composePlain(options: ParsedOptions, overrides: ProviderOverrides): Providers {
  const stdio = overrides.stdio ?? defaultStdio(options);
  const preopens = options.preopens.length === 0 ? NO_PREOPENS : defaultSettings(options, openHostDirectory).preopens;
  const clock = overrides.clock ?? defaultClock();
  const random = overrides.random ?? defaultRandom();
  const namespace = options.mounts === undefined ? undefined : composeNamespace(options.mounts, options.mountPreopens, clock, openHostDirectory);
  return { stdio, settings: { args: options.args, env: options.env, preopens, namespace }, clock, random };
}

const NO_PREOPENS: WasiSettings['preopens'] = Object.freeze([]);
