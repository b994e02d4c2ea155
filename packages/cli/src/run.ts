import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Script } from 'node:vm';
import { ProcExit, WASI } from '@vos/wasi';
import { escapeText } from '@vos/core';
import { UsageError, type RunOptions } from './args';
import { composeWorld, hostErrorText } from './compose';
import { formatDiff } from './diff';
import { writeText, type CliIo } from './io';
import { checkModule, ModuleError, Wasm, type CheckedModule, type WasmInstance } from './module';
import { SigtermRelay } from './signals';
import { openTrace } from './trace-output';

/** Exit status of a run that trapped, as a process killed by SIGABRT (128 + 6), like wasmtime. */
export const TRAP_EXIT = 134;
/** Exit status after Ctrl-C (128 + SIGINT), once `--diff` and `--trace-summary` have been printed. */
export const SIGINT_EXIT = 130;
/** Exit status after SIGTERM (128 + 15), likewise. */
export const SIGTERM_EXIT = 143;
/** The largest guest exit code passed through as is (wasmtime): 126 and up mean things to a shell. */
export const MAX_GUEST_EXIT = 125;
/** Exit status when the guest asks for a code outside 0..125: a failure, never a wrapped-around success. */
export const GUEST_EXIT_OUT_OF_RANGE = 1;
/** Most wasm frames printed after a trap (a stack overflow has thousands). */
const MAX_FRAMES = 20;

/**
 * `vos run`: load and check the module, compose its world, run it, report. Returns the exit status: the
 * guest's exit code, or 134 after a trap. Throws `UsageError`/`ModuleError` for what is wrong before the guest
 * starts (the caller prints them).
 */
export function runCommand(o: RunOptions, io: CliIo): number {
  // Only a real process with something to report on the way out needs SIGTERM relayed (it costs a thread,
  // started first so that it boots while the module compiles).
  const relay = io.signals === true && (o.diff || o.traceSummary || typeof o.trace === 'string') ? new SigtermRelay() : null;
  try {
    return runWith(o, io, relay);
  } finally {
    relay?.stop();
  }
}

function runWith(o: RunOptions, io: CliIo, relay: SigtermRelay | null): number {
  const { checked } = loadModule(o, io);

  const world = composeWorld(o, io);
  const trace = openTrace(o, io);
  relay?.waitReady(2000);
  let wasi: WASI | undefined;
  try {
    wasi = new WASI({
      version: checked.importModule === 'wasi_unstable' ? 'unstable' : 'preview1',
      args: world.args,
      env: world.env,
      mounts: world.mounts,
      mountPreopens: world.preopens,
      stdio: world.stdio,
      modules: world.modules,
      trace: trace.option,
      limits: world.limits,
    });
    const instanceWasi = wasi;
    let code: number;
    // V8 keeps 10 frames by default; a trap report wants more of the wasm stack.
    const savedLimit = Error.stackTraceLimit;
    Error.stackTraceLimit = 100;
    try {
      code = interruptible(() => execute(instanceWasi, checked, o, io));
      code = checkExitCode(code, io);
    } catch (err) {
      if (err instanceof ModuleError) throw err;
      if (isInterrupt(err)) {
        const term = relay?.sigterm === true;
        writeText(io.stderr, `vos: interrupted (${term ? 'SIGTERM' : 'SIGINT'})\n`);
        code = term ? SIGTERM_EXIT : SIGINT_EXIT;
      } else if (isTrap(err)) {
        writeText(io.stderr, formatTrap(err));
        code = TRAP_EXIT;
      } else {
        throw err; // a bug in vos: main() reports it and exits 70
      }
    } finally {
      Error.stackTraceLimit = savedLimit;
    }
    if (o.diff) writeText(io.stderr, formatDiff(world.overlays));
    return code;
  } finally {
    // Every host resource opened for the guest goes now (start() already closed the guest's own fds; an
    // --invoke run, an interrupted one and the overlays' layer roots are closed here).
    wasi?.close();
    for (const { fs } of world.overlays) fs?.dispose();
    trace.finish();
  }
}

/**
 * Runs `fn` so that Ctrl-C stops it: node:vm's `breakOnSigint` terminates the running script (wasm loops,
 * sleeps and all) and throws ERR_SCRIPT_EXECUTION_INTERRUPTED here, so the caller still prints `--diff` and
 * the trace summary. SIGINT is the only signal Node can deliver while the guest holds the thread; see
 * docs/cli.md for SIGTERM.
 */
function interruptible(fn: () => number): number {
  // A context of its own holds just `run` (the function keeps its own realm: errors and wasm are ours).
  return RUN_SCRIPT.runInNewContext({ run: fn }, { breakOnSigint: true }) as number;
}
const RUN_SCRIPT = new Script('run()', { filename: 'vos-run' });

function isInterrupt(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_INTERRUPTED';
}

/**
 * What the guest did wrong, as opposed to a bug in vos: a wasm trap (RuntimeError), running out of stack
 * (deep guest recursion), or an exception the guest threw and never caught.
 */
function isTrap(err: unknown): boolean {
  if (err instanceof Wasm.RuntimeError) return true;
  if (err instanceof RangeError && /Maximum call stack size exceeded/.test(err.message)) return true;
  const exception = (globalThis as unknown as { WebAssembly: { Exception?: new (...a: never[]) => unknown } }).WebAssembly.Exception;
  return exception !== undefined && err instanceof exception;
}

/**
 * A guest exit code outside 0..125 is reported as a failure with one line saying what the guest asked for
 * (wasmtime refuses such codes too): the OS would keep only the low 8 bits, so exit(256) would look like success.
 */
export function checkExitCode(code: number, io: CliIo): number {
  if (Number.isInteger(code) && code >= 0 && code <= MAX_GUEST_EXIT) return code;
  const asked = typeof code === 'number' ? code >>> 0 : code;
  writeText(io.stderr, `vos: the guest exited with code ${String(asked)}, outside 0..${MAX_GUEST_EXIT}: exit status ${GUEST_EXIT_OUT_OF_RANGE}\n`);
  return GUEST_EXIT_OUT_OF_RANGE;
}

/** A command needs `_start`; `--invoke` needs the named export. Both need an exported memory. */
/** Reads `o.module` (a usage error naming it if it cannot be read) and checks it can run as `o` asks. */
export function loadModule(o: RunOptions, io: CliIo): { bytes: Uint8Array; checked: CheckedModule } {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(resolve(io.cwd, o.module));
  } catch (err) {
    throw new UsageError(`cannot read module '${o.module}': ${hostErrorText(err)}`);
  }
  const checked = checkModule(bytes, o.module);
  checkEntry(checked, o);
  return { bytes, checked };
}

function checkEntry(m: CheckedModule, o: RunOptions): void {
  if (o.invoke !== undefined) {
    if (!m.exports.has(o.invoke)) throw new ModuleError(`${o.module} exports no '${o.invoke}' to --invoke`);
  } else if (!m.exports.has('_start')) {
    throw new ModuleError(
      m.exports.has('_initialize')
        ? `${o.module} is a reactor (it exports _initialize, not _start): name a function to run with --invoke NAME`
        : `${o.module} exports no _start function (not a WASI command; use --invoke NAME to call an export)`,
    );
  }
  if (!m.exports.has('memory')) throw new ModuleError(`${o.module} exports no memory, which WASI needs`);
}

/** Instantiates and runs; a trap (any exception but proc_exit) propagates to the caller. */
function execute(wasi: WASI, m: CheckedModule, o: RunOptions, io: CliIo): number {
  const instance = instantiate(m, wasi, o.module);
  if (o.invoke === undefined) return wasi.start(instance);

  // A command's exports can be called without running _start (wasmtime allows it); a reactor is initialised.
  if (m.exports.has('_start')) wasi.finalizeBindings(instance);
  else wasi.initialize(instance);
  const fn = instance.exports[o.invoke];
  if (typeof fn !== 'function') throw new ModuleError(`${o.module}: export '${o.invoke}' is not a function`);
  let result: unknown;
  try {
    result = fn(...o.guestArgs.map(Number));
  } catch (err) {
    if (err instanceof ProcExit) return err.code | 0;
    throw err;
  }
  if (result !== undefined) writeText(io.stdout, `${String(result)}\n`);
  return 0;
}

function instantiate(m: CheckedModule, wasi: WASI, name: string): WasmInstance {
  try {
    return new Wasm.Instance(m.module, wasi.getImportObject());
  } catch (err) {
    // A LinkError is the module's fault; a RuntimeError is its start function trapping: a trap.
    if ((err as Error).name === 'LinkError') throw new ModuleError(`${name} cannot be linked: ${(err as Error).message}`);
    throw err;
  }
}

/** The trap's message and the wasm frames of its stack (JS frames of vos itself are noise to a guest author). */
export function formatTrap(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  const kind = e.name === 'RuntimeError' ? 'wasm trap' : `trap (${e.name})`;
  const frames = (e.stack ?? '').split('\n').filter((l) => /wasm:\/\/|wasm-function/.test(l)).map((l) => l.trim());
  let out = `vos: ${kind}: ${escapeText(e.message)}\n`;
  for (const f of frames.slice(0, MAX_FRAMES)) out += `    ${escapeText(f)}\n`;
  if (frames.length > MAX_FRAMES) out += `    ... ${frames.length - MAX_FRAMES} more wasm frames\n`;
  if (frames.length === 0) out += '    (no wasm frames)\n';
  return out;
}
