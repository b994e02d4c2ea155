/** Runs a committed wasm program with `@vos/wasi` on the page's thread: the browser tests' common step. */
import { WASI } from '@vos/wasi';
import { CollectorSink } from '@vos/stdio';
import type { FileSystem } from '@vos/core';

const modules = new Map<string, Promise<WebAssembly.Module>>();

/** `url` compiled once per page. */
export function compileUrl(url: string): Promise<WebAssembly.Module> {
  let m = modules.get(url);
  if (!m) modules.set(url, (m = WebAssembly.compileStreaming(fetch(url))));
  return m;
}

export const PROGRAMS = '/examples/playground/programs';

export async function runProgram(
  url: string,
  args: string[],
  mounts: Record<string, FileSystem>,
): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  const stdout = new CollectorSink();
  const stderr = new CollectorSink();
  const wasi = new WASI({
    version: 'preview1',
    args: [url.slice(url.lastIndexOf('/') + 1, -'.wasm'.length), ...args],
    mounts,
    mountPreopens: Object.keys(mounts),
    stdio: { stdin: '', stdout, stderr },
    returnOnExit: true,
  });
  const instance = await WebAssembly.instantiate(await compileUrl(url), wasi.getImportObject() as WebAssembly.Imports);
  const exitCode = wasi.start(instance);
  return { stdout: stdout.text(), stderr: stderr.text(), exitCode };
}
