/**
 * Runs one wasm test program through the worker path (`runInWorker`) the way `runProgram` runs it on the host
 * thread: a fresh temp `/sandbox`, argv/env/stdin from the case. Stdio is either host fds (files the worker
 * writes itself, as the CLI has it) or streams served from this thread (a collector: every write a round-trip).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BufferSource, CollectorSink } from '@vos/stdio';
import { runInWorker, type FileSystemSource, type RunResult } from '@vos/worker';
import type { RunOptions as CaseOptions } from '../helpers/run-wasi';

export interface WorkerRun {
  result: RunResult;
  stdout: string;
  stderr: string;
}

export async function runCaseInWorker(
  wasmFile: string,
  options: CaseOptions,
  how: { stdio: 'fds' | 'served'; sandboxFs?: (sandbox: string) => FileSystemSource },
): Promise<WorkerRun> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vos-worker-test-'));
  const sandbox = path.join(tmp, 'sandbox');
  fs.mkdirSync(sandbox);
  const fds: number[] = [];
  try {
    options.setup?.(sandbox);
    const world = how.sandboxFs
      ? { mounts: { '/sandbox': how.sandboxFs(sandbox) }, mountPreopens: ['/sandbox'] }
      : { preopens: { '/sandbox': sandbox } };
    const base = {
      args: options.args ?? [path.basename(wasmFile, '.wasm')],
      env: options.env ?? {},
      ...world,
    };
    const bytes = fs.readFileSync(wasmFile);
    if (how.stdio === 'served') {
      const stdout = new CollectorSink();
      const stderr = new CollectorSink();
      const result = await runInWorker(bytes, { ...base, stdin: new BufferSource(options.stdin ?? ''), stdout, stderr });
      return { result, stdout: stdout.text(), stderr: stderr.text() };
    }
    const stdinPath = path.join(tmp, 'stdin');
    fs.writeFileSync(stdinPath, options.stdin ?? '');
    const open = (p: string, flags: string): number => {
      const fd = fs.openSync(p, flags);
      fds.push(fd);
      return fd;
    };
    const stdin = open(stdinPath, 'r');
    const stdout = open(path.join(tmp, 'stdout'), 'w');
    const stderr = open(path.join(tmp, 'stderr'), 'w');
    const result = await runInWorker(bytes, { ...base, stdin, stdout, stderr });
    return {
      result,
      stdout: fs.readFileSync(path.join(tmp, 'stdout'), 'utf8'),
      stderr: fs.readFileSync(path.join(tmp, 'stderr'), 'utf8'),
    };
  } finally {
    for (const fd of fds) {
      try {
        fs.closeSync(fd);
      } catch {
        // closed by the guest
      }
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
