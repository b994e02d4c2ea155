import { ProcExit, WasiCore, type MemoryLike } from '@vos/core';
import { CollectorSink, createStdio } from '@vos/stdio';
import { deterministicProviders } from './deterministic';
import { exitHostProcess, PLATFORM_DEFAULTS } from './host';
import { composeProviders, type ProviderOverrides } from './container';
import { isContainer, isContainerModule } from './inversify-interop';
import {
  errInvalidArgType,
  errMemoryNotWasmMemory,
  errWasiAlreadyStarted,
  errWasiNotStarted,
} from './errors';
import { parseOptions, type WASIOptions } from './options';
import { applyTraceOption } from './trace-option';
import { validateArray, validateBoolean, validateFunction, validateObject, validateUndefined } from './validate';

/** The guest's view of what it exports, as far as WASI cares. */
interface WasiExports {
  memory?: unknown;
  _start?: unknown;
  _initialize?: unknown;
}

/** node:wasi's import-object type: each WASI function by name. */
export type WasiImport = Record<string, (...args: any[]) => any>;

// The compile target's libs (ES2022, @types/node 20) carry no WebAssembly types; this is all we touch.
declare const WebAssembly: { readonly Memory: { readonly prototype: object } };

// `instanceof WebAssembly.Memory` fails across realms (a jest sandbox, a vm context); the `buffer` getter's own
// brand check is realm-independent and cannot be fooled by a look-alike object, like V8's IsWasmMemoryObject
// that Node uses.
const memoryBufferGetter = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer')!.get!;
/** `value`'s buffer if it is a WebAssembly.Memory, else null (the buffer read is the check, and is kept for bind). */
function wasmMemoryBuffer(value: unknown): ArrayBufferLike | null {
  if (value === null || typeof value !== 'object') return null;
  try {
    return memoryBufferGetter.call(value) as ArrayBufferLike;
  } catch {
    return null;
  }
}

const kEmptyOptions = Object.freeze(Object.create(null)) as WASIOptions;

function throwNotStarted(): never {
  throw errWasiNotStarted();
}

/**
 * Drop-in replacement for `node:wasi`'s `WASI` (Node 20 behaviour, plus Node 22's `finalizeBindings`): same
 * options, same validation errors, same `start`/`initialize` rules, same return values. The syscalls are the
 * vos core's (wasmtime semantics); the providers behind them come from the composition root (`container.ts`),
 * which a host can customise with the vos-only `container` and `modules` options.
 */
export class WASI {
  /** The import functions, for `{ [module]: wasi.wasiImport }` (what `getImportObject()` returns). */
  readonly wasiImport: WasiImport;
  // A private field behind a getter: the own enumerable properties stay node:wasi's (`wasiImport` only).
  #captured: { readonly stdout: CollectorSink; readonly stderr: CollectorSink } | undefined;

  /**
   * vos: in deterministic mode without any stdio option, the guest's stdout and stderr are captured here (and
   * its stdin is empty): `wasi.captured.stdout.text()` after the run. Undefined otherwise.
   */
  get captured(): { readonly stdout: CollectorSink; readonly stderr: CollectorSink } | undefined {
    return this.#captured;
  }

  #core: WasiCore;
  #importModule: 'wasi_snapshot_preview1' | 'wasi_unstable';
  #started = false;

  constructor(options: WASIOptions = kEmptyOptions) {
    const parsed = parseOptions(options);
    const { container, modules } = options as WASIOptions;
    if (container !== undefined && !isContainer(container)) {
      throw errInvalidArgType('options.container', 'Container', container);
    }
    if (modules !== undefined) {
      validateArray(modules, 'options.modules');
      for (const m of modules) {
        if (!isContainerModule(m)) throw errInvalidArgType('options.modules[]', 'ContainerModule', m);
      }
    }

    const own = optionProviders(options as WASIOptions);
    this.#captured = own.captured;
    const { stdio, settings, clock, random } = composeProviders(parsed, container, modules, own.overrides);
    const version = parsed.importModule === 'wasi_unstable' ? 'unstable' : 'preview1';
    const core = new WasiCore(
      {
        args: settings.args, env: settings.env, preopens: settings.preopens, namespace: settings.namespace,
        clock, random, stdio, onNotStarted: throwNotStarted, limits: parsed.limits,
      },
      version,
    );

    // Node checks returnOnExit only after uvwasi_init, so construction errors keep Node's precedence.
    let returnOnExit = true;
    const rawReturnOnExit = (options as WASIOptions).returnOnExit;
    if (rawReturnOnExit !== undefined) {
      validateBoolean(rawReturnOnExit, 'options.returnOnExit');
      returnOnExit = rawReturnOnExit;
    }

    const imports = (version === 'preview1' ? core.preview1 : core.unstable) as unknown as WasiImport;
    const exiting = returnOnExit ? imports : { ...imports, proc_exit: exitProcess(core) };
    // vos: `trace` wraps the imports (the unwrapped object otherwise, so untraced instances pay nothing, not even
    // the call that says so).
    const trace = (options as WASIOptions).trace;
    this.wasiImport = trace === undefined ? exiting : applyTraceOption(exiting, core, version, trace);
    this.#core = core;
    this.#importModule = parsed.importModule;
  }

  /**
   * Runs a command: `_start` must be a function and `_initialize` absent. Returns the code passed to
   * `proc_exit` (as the signed i32 the guest passed, like Node), or 0 when `_start` returns. Any other trap
   * propagates. As in Node 20 the instance counts as started even if validation fails.
   */
  start(instance: object): number {
    if (this.#started) throw errWasiAlreadyStarted();
    this.#started = true;
    try {
      this.#setupInstance(instance);
      const { _start, _initialize } = (instance as { exports: WasiExports }).exports;
      validateFunction(_start, 'instance.exports._start');
      validateUndefined(_initialize, 'instance.exports._initialize');
      try {
        _start();
      } catch (err) {
        // With returnOnExit false, proc_exit never throws (the process is gone), so a ProcExit here is ours.
        if (err instanceof ProcExit) return err.code | 0;
        throw err;
      }
      return 0;
    } finally {
      // vos: a command is over however it ended (return, proc_exit, trap): every host resource opened for it
      // (host fds of its open files and directories, listings) is released now, not when GC gets to it.
      this.#core.dispose();
    }
  }

  /**
   * vos: releases every host resource opened for this guest (its fds, the directories it opened, held listings).
   * `start` does this itself when the command ends; call it when done with a reactor (`initialize`,
   * `finalizeBindings`) or when giving up on a guest. Idempotent; the guest's later syscalls see EBADF.
   */
  close(): void {
    this.#core.dispose();
  }

  /** Initialises a reactor: `_start` must be absent; `_initialize`, if exported, must be a function and is run. */
  initialize(instance: object): void {
    if (this.#started) throw errWasiAlreadyStarted();
    this.#started = true;
    this.#setupInstance(instance);
    const { _start, _initialize } = (instance as { exports: WasiExports }).exports;
    validateUndefined(_start, 'instance.exports._start');
    if (_initialize !== undefined) {
      validateFunction(_initialize, 'instance.exports._initialize');
      _initialize();
    }
  }

  /**
   * Node 22's API (absent from Node 20): binds the memory (by default `instance.exports.memory`) and marks the
   * instance started without running any entry point, for hosts that drive the exports themselves. Unlike
   * start/initialize it marks the instance started only on success, as Node 22 does.
   */
  finalizeBindings(
    instance: object,
    { memory = (instance as { exports?: WasiExports } | null | undefined)?.exports?.memory } = {} as { memory?: unknown },
  ): void {
    if (this.#started) throw errWasiAlreadyStarted();
    if (instance === undefined || instance === null) throw errInvalidArgType('instance', 'Object', instance);
    validateObject((instance as { exports?: unknown }).exports, 'instance.exports');
    const buffer = memory === undefined ? null : wasmMemoryBuffer(memory);
    if (buffer === null) throw errInvalidArgType('memory', 'WebAssembly.Memory', memory);
    this.#core.bindMemory(memory as MemoryLike, buffer);
    this.#started = true;
  }

  /** `{ wasi_snapshot_preview1: wasiImport }` or `{ wasi_unstable: wasiImport }`; a fresh object each call. */
  getImportObject(): Record<string, WasiImport> {
    // Two literals rather than one with a computed key: each has a fixed shape that V8 makes from a boilerplate.
    return this.#importModule === 'wasi_snapshot_preview1' ? { wasi_snapshot_preview1: this.wasiImport } : { wasi_unstable: this.wasiImport };
  }

  // Node 20's setupInstance: `instance` and `instance.exports` must be objects, `exports.memory` a
  // WebAssembly.Memory (the last check is in C++ in Node, hence its different message).
  #setupInstance(instance: unknown): void {
    validateObject(instance, 'instance');
    validateObject(instance.exports, 'instance.exports');
    const memory = (instance.exports as WasiExports).memory;
    const buffer = wasmMemoryBuffer(memory);
    if (buffer === null) throw errMemoryNotWasmMemory();
    this.#core.bindMemory(memory as MemoryLike, buffer);
  }
}

/**
 * The providers the vos-only `deterministic` and `stdio` options decide, as plain objects: they replace the
 * defaults, and a host's own `modules` still win over them. Without either option there are none.
 */
function optionProviders(options: WASIOptions): { overrides: ProviderOverrides; captured: WASI['captured'] } {
  const { deterministic } = options;
  let { stdio } = options;
  const isDeterministic = deterministic !== undefined && deterministic !== false;
  if (deterministic === undefined && stdio === undefined && !PLATFORM_DEFAULTS.captureStdio) return { overrides: {}, captured: undefined };
  let overrides: ProviderOverrides = {};
  let captured: WASI['captured'];
  if (isDeterministic) {
    if (deterministic !== true) validateObject(deterministic, 'options.deterministic');
    overrides = deterministicProviders(deterministic === true ? {} : deterministic);
  }
  // Deterministic mode, and every run in a browser (no host fds), capture stdout/stderr unless told otherwise.
  if (isDeterministic || PLATFORM_DEFAULTS.captureStdio) {
    const { stdin, stdout, stderr } = options;
    if (stdio === undefined && stdin === undefined && stdout === undefined && stderr === undefined) {
      captured = { stdout: new CollectorSink(), stderr: new CollectorSink() };
      stdio = { stdin: 'null', stdout: captured.stdout, stderr: captured.stderr };
    }
  }
  if (stdio !== undefined) {
    validateObject(stdio, 'options.stdio');
    overrides = isDeterministic ? { ...overrides, stdio: createStdio(stdio) } : { stdio: createStdio(stdio) };
  }
  return { overrides, captured };
}

/**
 * `proc_exit` when `returnOnExit` is false: ends the host process with the guest's code (the OS keeps the low
 * 8 bits, as with Node's own exit). Before start it fails like every other import. Unlike Node's native exit,
 * `process.exit` runs the process's 'exit' listeners.
 */
function exitProcess(core: WasiCore): (code: number) => never {
  return (code: number): never => {
    if (!core.memoryBound) throwNotStarted();
    exitHostProcess(code | 0);
  };
}
