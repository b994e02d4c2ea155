/** The browser bench's vos worker: vos's side of each workload (workloads.ts), with vos's code only. */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import { CallbackSink } from '@vos/stdio';
import type { FileSystem } from '@vos/core';
import { writeTree } from '@vos/fs-browser';
import { bigNames, countLines, partsSample, serveBench, type Sample, type Workload } from './workloads';

async function runVos(w: Workload, module: WebAssembly.Module): Promise<Sample> {
  let lines = 0;
  const newWasi = (): WASI =>
    new WASI({
      version: 'preview1',
      args: [w.wasm, '/sandbox'],
      mounts: {
        '/sandbox': ({ clock }: { clock: { now(id: 0): bigint } }): FileSystem => {
          const fs = new MemoryFileSystem({ clock });
          if (w.bigDir) writeTree(fs, [{ path: 'big', kind: 'dir', mtim: 0n, atim: 0n }, ...bigNames(w.bigDir).map((name) => ({ path: `big/${name}`, kind: 'file' as const, data: new Uint8Array(0), mtim: 0n, atim: 0n }))]);
          return fs;
        },
      },
      mountPreopens: ['/sandbox'],
      stdio: { stdin: '', stdout: new CallbackSink((c) => void (lines += countLines(c))), stderr: 'null' },
      returnOnExit: true,
    });
  const once = async (): Promise<{ wasi: WASI; instance: WebAssembly.Instance }> => {
    const wasi = newWasi();
    // Synchronous instantiation (allowed in a worker for any size): no task hop in the timed startup loop.
    return { wasi, instance: new WebAssembly.Instance(module, wasi.getImportObject() as WebAssembly.Imports) };
  };
  if (w.parts) {
    return partsSample(w, module, () => {
      const wasi = newWasi();
      return { wasi, imports: wasi.getImportObject() as WebAssembly.Imports };
    }, (wasi, instance) => wasi.start(instance), () => lines);
  }
  if (w.repeat) {
    const t0 = performance.now();
    let exitCode = 0;
    for (let i = 0; i < w.repeat; i++) {
      const { wasi, instance } = await once();
      exitCode |= wasi.start(instance);
    }
    return { ms: performance.now() - t0, exitCode, lines: lines / w.repeat };
  }
  const { wasi, instance } = await once();
  const t0 = performance.now();
  const exitCode = wasi.start(instance);
  return { ms: performance.now() - t0, exitCode, lines };
}

serveBench('vos', runVos);
