/**
 * The playground page: gathers the program, arguments, environment, stdin, mounts and clock settings, runs the
 * guest in a fresh worker for every run (./worker.ts), and shows what streams back. Stop and the deadline
 * terminate the worker: the only way to stop a guest that never makes a syscall, and it cannot freeze the page.
 */
import { filesFromDrop, opfsAvailable } from '@vos/fs-browser';
import { splitArgs, type DiffRow, type MountSpec, type RunRequest, type TraceRow, type WorkerMessage } from './protocol';

const SAMPLES: Record<string, { args: string; note: string }> = {
  hello: { args: 'playground', note: 'greets its arguments, prints $USER' },
  fsutil: { args: "mkdir /data/notes write /data/notes/hi.txt 'hello from wasm' ls /data/notes cat /data/notes/hi.txt", note: 'file commands' },
  ticker: { args: '10', note: 'a line every 100 ms (0 = forever)' },
  spin: { args: '', note: 'loops forever without a syscall: try Stop, or the deadline' },
};

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const programSelect = $<HTMLSelectElement>('program-select');
const status = $<HTMLSpanElement>('status');
const runButton = $<HTMLButtonElement>('run');
const stopButton = $<HTMLButtonElement>('stop');

let picked: { name: string; bytes: ArrayBuffer } | null = null;
const mounts: MountSpec[] = [];
let worker: Worker | null = null;
let deadlineTimer: ReturnType<typeof setTimeout> | undefined;
let traceCount = 0;

for (const [name, s] of Object.entries(SAMPLES)) {
  const o = document.createElement('option');
  o.value = name;
  o.textContent = `${name}.wasm: ${s.note}`;
  programSelect.append(o);
}
programSelect.onchange = () => {
  picked = null;
  $<HTMLInputElement>('args').value = SAMPLES[programSelect.value].args;
  $('program-name').textContent = '';
};
programSelect.value = 'hello';
programSelect.onchange(new Event('change'));
$<HTMLTextAreaElement>('env').value = 'USER=guest';

async function pickWasm(file: File): Promise<void> {
  picked = { name: file.name.replace(/\.wasm$/, ''), bytes: await file.arrayBuffer() };
  $('program-name').textContent = `using ${file.name} (${file.size} bytes)`;
}
$<HTMLInputElement>('wasm-file').onchange = (e) => {
  const f = (e.target as HTMLInputElement).files?.[0];
  if (f) void pickWasm(f);
};
dropZone($('drop-wasm'), async (dt) => {
  const f = dt.files[0];
  if (f) await pickWasm(f);
});

// ---- mounts ----

function renderMounts(): void {
  const body = $('mounts').querySelector('tbody')!;
  body.replaceChildren(
    ...mounts.map((m, i) => {
      const tr = document.createElement('tr');
      const source = m.kind === 'persistent' ? m.name : m.kind === 'archive-url' || m.kind === 'http' ? m.url : m.kind === 'files' ? `${m.files.length} files` : '';
      for (const text of [m.path, m.kind, source]) tr.append(cell(text));
      const remove = document.createElement('button');
      remove.textContent = 'remove';
      remove.onclick = () => {
        mounts.splice(i, 1);
        renderMounts();
      };
      const td = document.createElement('td');
      td.append(remove);
      tr.append(td);
      return tr;
    }),
  );
}

function addMount(spec: MountSpec): void {
  if (!spec.path.startsWith('/') || spec.path === '/') return setStatus('a mount path must be absolute and not /', 'bad');
  const i = mounts.findIndex((m) => m.path === spec.path);
  if (i >= 0) mounts.splice(i, 1);
  mounts.push(spec);
  renderMounts();
}

$('mount-add').onclick = () => {
  const path = $<HTMLInputElement>('mount-path').value.trim().replace(/\/+$/, '');
  const kind = $<HTMLSelectElement>('mount-kind').value as MountSpec['kind'];
  const source = $<HTMLInputElement>('mount-source').value.trim();
  if (kind === 'memory') addMount({ path, kind });
  else if (kind === 'persistent') addMount({ path, kind, name: source || 'playground' });
  else if (kind === 'archive-url' || kind === 'http') {
    if (!source) return setStatus(kind === 'http' ? 'give the URL of the tree (or of its index.json)' : 'give the URL of a zip or tar', 'bad');
    addMount({ path, kind, url: source });
  } else $<HTMLInputElement>('mount-folder').click();
};
$<HTMLInputElement>('mount-folder').onchange = (e) => {
  const files = Array.from((e.target as HTMLInputElement).files ?? []);
  const path = $<HTMLInputElement>('mount-path').value.trim().replace(/\/+$/, '');
  // webkitRelativePath starts with the folder's own name: mount the folder's contents.
  addMount({ path, kind: 'files', files: files.map((f) => ({ path: f.webkitRelativePath.split('/').slice(1).join('/') || f.name, blob: f })) });
};
dropZone($('drop-folder'), async (dt) => {
  const files = await filesFromDrop(dt);
  const path = $<HTMLInputElement>('mount-path').value.trim().replace(/\/+$/, '');
  const single = new Set(files.map((f) => f.path.split('/')[0]));
  // One folder dropped: mount its contents; several items: mount them side by side.
  const strip = single.size === 1 && files.every((f) => f.path.includes('/'));
  addMount({ path, kind: 'files', files: files.map((f) => ({ path: strip ? f.path.split('/').slice(1).join('/') : f.path, blob: f.blob })) });
});

// ---- running ----

function setStatus(text: string, kind: '' | 'ok' | 'bad' = ''): void {
  status.textContent = text;
  status.className = `status ${kind}`;
}

function cell(text: string, className = ''): HTMLTableCellElement {
  const td = document.createElement('td');
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function appendTrace(rows: readonly TraceRow[], dropped: number): void {
  const body = $('trace-table').querySelector('tbody')!;
  const frag = document.createDocumentFragment();
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.append(cell(String(++traceCount)), cell(r.call), cell(r.args), cell(r.result, r.result.startsWith('SUCCESS') ? '' : 'change-D'), cell(r.time));
    frag.append(tr);
  }
  body.append(frag);
  const summary = $('trace-summary');
  const extra = Number(summary.dataset.dropped ?? 0) + dropped;
  summary.dataset.dropped = String(extra);
  summary.textContent = `${traceCount} shown${extra ? `, ${extra} more not shown` : ''}`;
}

function showDiff(diff: readonly DiffRow[]): void {
  $('diff-table').querySelector('tbody')!.replaceChildren(
    ...diff.map((d) => {
      const tr = document.createElement('tr');
      tr.append(cell(d.change, `change-${d.change}`), cell(d.path), cell(d.kind), cell(d.kind === 'file' ? String(d.size) : ''));
      return tr;
    }),
  );
  $('diff-summary').textContent = diff.length === 0 ? '(none)' : `${diff.length}`;
}

let downloadUrl: string | null = null;

/** The files after the run, as a .tar behind the Download link. */
function offerDownload(tar: Uint8Array | null): void {
  const link = $<HTMLAnchorElement>('download-tar');
  if (downloadUrl !== null) URL.revokeObjectURL(downloadUrl);
  downloadUrl = tar === null ? null : URL.createObjectURL(new Blob([tar as Uint8Array<ArrayBuffer>], { type: 'application/x-tar' }));
  link.hidden = downloadUrl === null;
  if (downloadUrl !== null) {
    link.href = downloadUrl;
    link.textContent = `download the files (.tar, ${tar!.length} bytes)`;
  }
}

function finish(text: string, kind: 'ok' | 'bad'): void {
  clearTimeout(deadlineTimer);
  worker?.terminate();
  worker = null;
  runButton.disabled = false;
  stopButton.disabled = true;
  setStatus(text, kind);
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (line.trim() && eq > 0) env[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  return env;
}

async function run(): Promise<void> {
  setStatus('starting…');
  runButton.disabled = true;
  let program = picked;
  if (!program) {
    const name = programSelect.value;
    const res = await fetch(`programs/${name}.wasm`);
    if (!res.ok) return finish(`programs/${name}.wasm: HTTP ${res.status}`, 'bad');
    program = { name, bytes: await res.arrayBuffer() };
  }
  for (const id of ['stdout', 'stderr']) $(id).textContent = '';
  $('trace-table').querySelector('tbody')!.replaceChildren();
  $('trace-summary').textContent = '';
  delete $('trace-summary').dataset.dropped;
  traceCount = 0;
  showDiff([]);
  offerDownload(null);
  $('diff-summary').textContent = '';
  const request: RunRequest = {
    type: 'run',
    wasm: program.bytes.slice(0),
    name: program.name,
    args: splitArgs($<HTMLInputElement>('args').value),
    env: parseEnv($<HTMLTextAreaElement>('env').value),
    stdin: $<HTMLTextAreaElement>('stdin').value,
    mounts,
    deterministic: $<HTMLInputElement>('fake-clock').checked
      ? { epoch: $<HTMLInputElement>('epoch').value, seed: Number($<HTMLInputElement>('seed').value) || 0 }
      : null,
    trace: $<HTMLInputElement>('trace').checked,
  };
  const deadline = Math.max(1, Number($<HTMLInputElement>('deadline').value) || 10_000);
  stopButton.disabled = false;
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (e: MessageEvent<WorkerMessage>) => {
    const m = e.data;
    if (m.type === 'started') {
      setStatus('running…');
      // The deadline counts the guest's run, not its loading.
      deadlineTimer = setTimeout(() => finish(`deadline: killed after ${deadline} ms`, 'bad'), deadline);
    } else if (m.type === 'stdout' || m.type === 'stderr') $(m.type).textContent += m.text;
    else if (m.type === 'trace') appendTrace(m.rows, m.dropped);
    else if (m.type === 'exit') {
      showDiff(m.diff);
      offerDownload(m.tar);
      const saved = m.persisted.length ? `; saved ${m.persisted.join(', ')}` : '';
      finish(`exit code ${m.code} in ${m.ms.toFixed(1)} ms${syscallsText(m.syscalls)}${saved}`, m.code === 0 ? 'ok' : 'bad');
    } else if (m.type === 'error') finish(`error: ${m.message}`, 'bad');
  };
  worker.onerror = (e) => finish(`error: ${e.message}`, 'bad');
  worker.postMessage(request);
}

function syscallsText(syscalls: number): string {
  return syscalls ? `, ${syscalls} syscalls` : '';
}

runButton.onclick = () => void run();
stopButton.onclick = () => finish('stopped', 'bad');

function dropZone(el: HTMLElement, onDrop: (dt: DataTransfer) => Promise<void>): void {
  el.addEventListener('dragover', (e) => {
    e.preventDefault();
    el.classList.add('over');
  });
  el.addEventListener('dragleave', () => el.classList.remove('over'));
  el.addEventListener('drop', (e) => {
    e.preventDefault();
    el.classList.remove('over');
    if (e.dataTransfer) void onDrop(e.dataTransfer).catch((err: Error) => setStatus(err.message, 'bad'));
  });
}

void opfsAvailable().then((opfs) => {
  $('env-info').textContent =
    `${crossOriginIsolated ? 'cross-origin isolated' : 'not cross-origin isolated'}; ` +
    `persistent mounts use ${opfs ? 'OPFS' : 'IndexedDB'}; guests run in a worker`;
});
