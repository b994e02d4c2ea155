#!/usr/bin/env node
import { escapeText } from '@vos/core';
import { parseCommand, UsageError } from './args';
import { HELP } from './help';
import { processIo, writeText, type CliIo } from './io';
import { ModuleError } from './module';
import { runCommand } from './run';
import { resolve } from 'node:path';

/** Exit status for a command-line mistake (as getopt-based tools and wasmtime do). */
export const USAGE_EXIT = 2;
/** Exit status for a module vos cannot run. */
export const MODULE_EXIT = 1;
/** Exit status for a bug in vos itself (EX_SOFTWARE), told apart from a guest trap (134). */
export const INTERNAL_EXIT = 70;

/**
 * The `vos` command: parse, compose, run. Returns the exit status instead of exiting, and takes its streams
 * from `io`, so tests run it in-process. Only bugs in vos escape as exceptions.
 */
export function main(argv: readonly string[], io: CliIo = processIo()): number | Promise<number> {
  try {
    const command = parseCommand(argv);
    switch (command.kind) {
      case 'help':
        writeText(io.stdout, HELP);
        return 0;
      case 'version':
        writeText(io.stdout, `vos ${version()}\n`);
        return 0;
      case 'manifest':
        return manifest(command.dir, io);
      case 'run': {
        const o = command.options;
        // A limit or an HTTP mount runs the guest in a worker thread (asynchronously: the status is a promise).
        if (o.timeoutMs !== undefined || o.maxMemory !== undefined || o.httpDirs.length > 0) {
          return workerRunner().runCommandInWorker(o, io).catch((err: unknown) => failed(err, io));
        }
        return runCommand(o, io);
      }
    }
  } catch (err) {
    return failed(err, io);
  }
}

/**
 * The worker path and the manifest command, loaded when used: @vos/worker brings node:worker_threads and the
 * channel, which a plain `vos run` does not need (cold start, see docs/decisions.md).
 */
function workerRunner(): typeof import('./run-worker') {
  return require('./run-worker') as typeof import('./run-worker');
}
function httpFileSystems(): typeof import('@vos/fs-http') {
  return require('@vos/fs-http') as typeof import('@vos/fs-http');
}

function failed(err: unknown, io: CliIo): number {
  if (err instanceof UsageError) {
    writeText(io.stderr, `vos: ${escapeText(err.message)}\n(see vos --help)\n`);
    return USAGE_EXIT;
  }
  if (err instanceof ModuleError) {
    writeText(io.stderr, `vos: ${escapeText(err.message)}\n`);
    return MODULE_EXIT;
  }
  writeText(io.stderr, formatInternalError(err));
  return INTERNAL_EXIT;
}

/** `vos manifest DIR`: the HTTP tree manifest of a host directory, on stdout. */
function manifest(dir: string, io: CliIo): number {
  let text: string;
  try {
    text = JSON.stringify(httpFileSystems().writeManifest(resolve(io.cwd, dir)));
  } catch (err) {
    throw new UsageError(`vos manifest ${dir}: ${(err as Error).message}`);
  }
  writeText(io.stdout, `${text}\n`);
  return 0;
}

/** An exception that is neither a usage mistake, nor a bad module, nor a guest trap: vos's own fault. */
export function formatInternalError(err: unknown): string {
  const e = err instanceof Error ? err : new Error(String(err));
  return `vos: internal error (a bug in vos, not in the guest): ${e.name}: ${e.message}\n` +
    `${(e.stack ?? '').split('\n').slice(1, 11).join('\n')}\n` +
    'Please report it with the command line that caused it.\n';
}

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../package.json') as { version: string }).version;
}

if (require.main === module) {
  // The OS keeps the low 8 bits of the status (a guest's exit(256) is 0, exit(-1) is 255), as with any process.
  const status = main(process.argv.slice(2));
  if (typeof status === 'number') process.exitCode = status;
  else void status.then((code) => { process.exitCode = code; });
}
