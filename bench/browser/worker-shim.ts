/** The browser bench's shim worker: @bjorn3/browser_wasi_shim's side of each workload (workloads.ts), with its code only. */
import * as shim from '@bjorn3/browser_wasi_shim';
import { bigNames, countLines, partsSample, serveBench, type Sample, type Workload } from './workloads';

async function runShim(w: Workload, module: WebAssembly.Module): Promise<Sample> {
  let lines = 0;
  const newWasi = (): shim.WASI => {
    const contents = new Map<string, shim.Inode>();
    if (w.bigDir) contents.set('big', new shim.Directory(new Map(bigNames(w.bigDir).map((n) => [n, new shim.File(new Uint8Array(0))]))));
    const fds = [
      new shim.OpenFile(new shim.File(new Uint8Array(0))),
      new shim.ConsoleStdout((c: Uint8Array) => void (lines += countLines(c))),
      new shim.ConsoleStdout(() => undefined),
      new shim.PreopenDirectory('/sandbox', contents),
    ];
    return new shim.WASI([w.wasm, '/sandbox'], [], fds);
  };
  const importsOf = (wasi: shim.WASI): WebAssembly.Imports => ({ wasi_snapshot_preview1: wasi.wasiImport as unknown as WebAssembly.ModuleImports });
  const once = async (): Promise<{ wasi: shim.WASI; instance: WebAssembly.Instance }> => {
    const wasi = newWasi();
    return { wasi, instance: new WebAssembly.Instance(module, importsOf(wasi)) };
  };
  const start = (wasi: shim.WASI, instance: WebAssembly.Instance) =>
    wasi.start(instance as unknown as { exports: { memory: WebAssembly.Memory; _start: () => unknown } });
  if (w.parts) {
    return partsSample(w, module, () => {
      const wasi = newWasi();
      return { wasi, imports: importsOf(wasi) };
    }, start, () => lines);
  }
  if (w.repeat) {
    const t0 = performance.now();
    let exitCode = 0;
    for (let i = 0; i < w.repeat; i++) {
      const { wasi, instance } = await once();
      exitCode |= start(wasi, instance);
    }
    return { ms: performance.now() - t0, exitCode, lines: lines / w.repeat };
  }
  const { wasi, instance } = await once();
  const t0 = performance.now();
  const exitCode = start(wasi, instance);
  return { ms: performance.now() - t0, exitCode, lines };
}

serveBench('shim', runShim);
