/**
 * The playground's guest runner, in a dedicated worker: the page's thread never runs the guest, so a runaway
 * program cannot freeze it, and the page's Stop button and deadline end it by terminating this worker. Output
 * and trace lines stream to the page as they come; after the run, the filesystem diff and the write-back of
 * persistent mounts.
 */
import { WASI } from '@vos/wasi';
import { MemoryFileSystem } from '@vos/fs-memory';
import type { FileSystem } from '@vos/core';
import {
  diffTrees,
  exportTar,
  importFiles,
  importTar,
  importZip,
  openPersistentFileSystem,
  readTree,
  writeTree,
  type PersistentFileSystem,
  type TreeEntry,
} from '@vos/fs-browser';
import { HttpFileSystem } from '@vos/fs-http';
import { JspiWorld, jspiAvailable } from '@vos/jspi';
import { parseTraceLine, type DiffRow, type MountSpec, type RunRequest, type TraceRow, type WorkerMessage } from './protocol';

const post = (m: WorkerMessage): void => (self as unknown as Worker).postMessage(m);

/** Most trace rows sent to the page; the rest are counted. */
const MAX_TRACE_ROWS = 20_000;

type Clock = { now(id: 0): bigint };
/** A mount as `WASI` takes it: a factory called with the instance's clock, so a fake clock stamps every file. */
type MountFactory = (env: { readonly clock: Clock }) => FileSystem;

/** Everything asynchronous (storage, fetch, files) happens here, before the guest exists. */
async function prepareMount(spec: MountSpec, jspi: () => JspiWorld): Promise<{ factory: MountFactory; persistent?: PersistentFileSystem; lazy?: boolean }> {
  switch (spec.kind) {
    case 'http': {
      // Asynchronous (files are fetched when read): the guest waits for them through JSPI, in this worker.
      const fs = await jspi().mount(new HttpFileSystem({ url: new URL(spec.url, location.href).href }));
      return { factory: () => fs, lazy: true };
    }
    case 'memory':
      return { factory: ({ clock }) => new MemoryFileSystem({ clock }) };
    case 'persistent': {
      const persistent = await openPersistentFileSystem(spec.name);
      return { factory: persistent.mount, persistent };
    }
    case 'files': {
      const staged = new MemoryFileSystem({ clock: { now: () => 0n } });
      await importFiles(staged, spec.files.map((f) => ({ path: f.path, blob: f.blob })));
      return { factory: filledWith(readTree(staged)) };
    }
    case 'archive-url': {
      const res = await fetch(spec.url);
      if (!res.ok) throw new Error(`${spec.url}: HTTP ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      const staged = new MemoryFileSystem({ clock: { now: () => 0n } });
      // Zip by its signature (PK\3\4, or PK\5\6 when empty), else tar (which checks its own headers).
      if (bytes[0] === 0x50 && bytes[1] === 0x4b) importZip(staged, bytes);
      else await importTar(staged, bytes);
      return { factory: filledWith(readTree(staged)) };
    }
  }
}

function filledWith(entries: TreeEntry[]): MountFactory {
  return ({ clock }) => {
    const fs = new MemoryFileSystem({ clock });
    writeTree(fs, entries);
    return fs;
  };
}

/** The trees after the run, each under its mount path, as one tar archive (the page's download). */
async function tarOfMounts(trees: ReadonlyMap<string, TreeEntry[]>): Promise<Uint8Array> {
  const all = new Map<string, TreeEntry>();
  for (const [mount, entries] of trees) {
    const prefix = mount === '/' ? '' : mount.slice(1) + '/';
    // The mount point's own directories, unless the tree above already has them.
    const parts = prefix.split('/').filter(Boolean);
    for (let i = 1; i <= parts.length; i++) {
      const path = parts.slice(0, i).join('/');
      if (!all.has(path)) all.set(path, { path, kind: 'dir', mtim: 0n, atim: 0n });
    }
    for (const e of entries) all.set(prefix + e.path, { ...e, path: prefix + e.path });
  }
  const staged = new MemoryFileSystem({ clock: { now: () => 0n } });
  writeTree(staged, [...all.values()].sort((a, b) => a.path.split('/').length - b.path.split('/').length));
  return exportTar(staged);
}

function diffRows(prefix: string, before: TreeEntry[], after: TreeEntry[]): DiffRow[] {
  const d = diffTrees(before, after);
  const row = (change: DiffRow['change']) => (e: TreeEntry): DiffRow => ({
    change,
    path: (prefix === '/' ? '/' : prefix + '/') + e.path,
    kind: e.kind,
    size: e.kind === 'file' ? e.data.length : 0,
  });
  return [...d.added.map(row('A')), ...d.modified.map(row('M')), ...d.removed.map(row('D'))];
}

async function run(req: RunRequest): Promise<void> {
  // Each factory records the filesystem it made, for the diff after the run.
  const made = new Map<string, FileSystem>();
  const record = (path: string, factory: MountFactory): MountFactory => (env) => {
    const fs = factory(env);
    made.set(path, fs);
    return fs;
  };
  const mounts: Record<string, MountFactory> = { '/': record('/', ({ clock }) => new MemoryFileSystem({ clock })) };
  const persistent: { path: string; p: PersistentFileSystem }[] = [];
  let world: JspiWorld | null = null;
  const jspi = (): JspiWorld => {
    if (!jspiAvailable()) throw new Error('an HTTP tree needs JSPI (WebAssembly.Suspending), which this browser lacks');
    return (world ??= new JspiWorld());
  };
  for (const spec of req.mounts) {
    const m = await prepareMount(spec, jspi);
    // A lazy tree is read-only and left out of the diff (reading it all would fetch it all).
    mounts[spec.path] = m.lazy ? m.factory : record(spec.path, m.factory);
    if (m.persistent) persistent.push({ path: spec.path, p: m.persistent });
  }

  const decoders = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  const output = (type: 'stdout' | 'stderr') => (chunk: Uint8Array) => post({ type, text: decoders[type].decode(chunk, { stream: true }) });
  let rows: TraceRow[] = [];
  let sent = 0;
  let dropped = 0;
  let syscalls = 0;
  let lastFlush = performance.now();
  const flushTrace = () => {
    if (rows.length > 0 || dropped > 0) post({ type: 'trace', rows, dropped });
    rows = [];
    dropped = 0;
    lastFlush = performance.now();
  };
  const trace = req.trace
    ? (line: string) => {
        syscalls++;
        if (sent >= MAX_TRACE_ROWS) dropped++;
        else {
          rows.push(parseTraceLine(line));
          sent++;
        }
        if (rows.length >= 500 || performance.now() - lastFlush > 50) flushTrace();
      }
    : undefined;

  const wasi = new WASI({
    version: 'preview1',
    args: [req.name, ...req.args],
    env: req.env,
    mounts,
    stdio: { stdin: req.stdin, stdout: output('stdout'), stderr: output('stderr') },
    returnOnExit: true,
    ...(req.deterministic ? { deterministic: { epoch: req.deterministic.epoch, seed: req.deterministic.seed } } : {}),
    ...(trace ? { trace } : {}),
  });
  const before = new Map([...made].map(([path, fs]) => [path, readTree(fs)]));
  const module = await WebAssembly.compile(req.wasm);
  const jspiWorld = world as JspiWorld | null; // set by jspi() inside prepareMount
  const imports = jspiWorld ? jspiWorld.imports(wasi) : (wasi.getImportObject() as WebAssembly.Imports);
  const instance = await WebAssembly.instantiate(module, imports);
  post({ type: 'started' });
  const t0 = performance.now();
  let code: number;
  try {
    code = jspiWorld ? await jspiWorld.start(wasi, instance) : wasi.start(instance);
  } finally {
    flushTrace();
    for (const type of ['stdout', 'stderr'] as const) {
      const rest = decoders[type].decode();
      if (rest) post({ type, text: rest });
    }
  }
  const ms = performance.now() - t0;
  const diff: DiffRow[] = [];
  const after = new Map([...made].map(([path, fs]) => [path, readTree(fs)]));
  for (const [path, tree] of after) diff.push(...diffRows(path, before.get(path)!, tree));
  const tar = await tarOfMounts(after);
  const persisted: string[] = [];
  for (const { path, p } of persistent) {
    await p.flush();
    persisted.push(path);
  }
  (self as unknown as Worker).postMessage({ type: 'exit', code, ms, diff, syscalls, persisted, tar } satisfies WorkerMessage, [tar.buffer]);
}

self.onmessage = (e: MessageEvent<RunRequest>) => {
  if (e.data?.type !== 'run') return;
  run(e.data).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }));
};
