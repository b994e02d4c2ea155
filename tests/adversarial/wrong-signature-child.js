// The wrong-signature import matrix, generated from the ABI table (issue 9, item 1). Runs in its own process
// (started by wrong-signature.test.ts with a capped heap and a timeout): one wasm module per ABI imports every
// WASI function once per wrong signature (each argument of the wrong wasm type, NaN and fractional f64s, and
// every narrower prefix of the parameter list) and exports one function per case that calls it. Every case
// must answer EINVAL without a host exception, change no byte of guest memory and close no fd. The same runs
// with the interpreted adapter (what a CSP without 'unsafe-eval' gets) and with tracing on.
// Prints one JSON object: { cases, failures: [...] }.
'use strict';
const { PREVIEW1_FUNCTIONS, UNSTABLE_FUNCTIONS, wireType, Errno, WasiCore } = require('@vos/core');
const { WASI } = require('@vos/wasi');
const { MemoryFileSystem } = require('@vos/fs-memory');

const I32 = 0x7f;
const I64 = 0x7e;
const F32 = 0x7d;
const F64 = 0x7c;

// ---- a minimal wasm encoder (types, imports, functions, memory, exports, code) ----

function uleb(n) {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}
function sleb(n) {
  // n: bigint
  const out = [];
  for (;;) {
    const b = Number(n & 0x7fn);
    n >>= 7n;
    if ((n === 0n && (b & 0x40) === 0) || (n === -1n && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}
const str = (s) => [...uleb(Buffer.byteLength(s)), ...Buffer.from(s)];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];
function constOf(type, value) {
  if (type === I32) return [0x41, ...sleb(BigInt(value))];
  if (type === I64) return [0x42, ...sleb(BigInt(value))];
  if (type === F32) return [0x43, ...Buffer.from(new Float32Array([value]).buffer)];
  return [0x44, ...Buffer.from(new Float64Array([value]).buffer)];
}

/** cases: [{ module, name, types: [valtype], values: [number|bigint] }] -> bytes; export `c<i>` calls case i. */
function buildModule(cases) {
  const types = cases.map((c) => [0x60, ...vec(c.types.map((t) => [t])), ...vec([[I32]])]);
  const runType = [0x60, 0, 1, I32];
  const imports = cases.map((c, i) => [...str(c.module), ...str(c.name), 0x00, ...uleb(i)]);
  const funcs = cases.map(() => uleb(cases.length));
  const exports = [[...str('memory'), 0x02, 0]].concat(cases.map((_, i) => [...str(`c${i}`), 0x00, ...uleb(cases.length + i)]));
  const bodies = cases.map((c, i) => {
    const code = [0, ...c.types.flatMap((t, k) => constOf(t, c.values[k])), 0x10, ...uleb(i), 0x0b];
    return [...uleb(code.length), ...code];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec([...types, runType])),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs)),
    ...section(5, vec([[0x00, 1]])),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}

// ---- the matrix ----

/** A plausible value of the declared type: the case is wrong only in the one way it is meant to be. */
function plausible(kind) {
  if (kind === 'fd') return 0;
  if (kind === 'len') return 8;
  if (kind === 'u64' || kind === 'i64' || kind === 'rights') return 0n;
  if (kind === 'out' || kind === 'path' || kind === 'buf' || kind === 'iovs' || kind === 'ciovs' || kind === 'array' || kind === 'ptr') return 1024;
  return 0;
}

function casesFor(module, table) {
  const cases = [];
  for (const [name, params] of Object.entries(table)) {
    const declared = params.map(([, kind]) => (wireType(kind) === 'i64' ? I64 : I32));
    const values = params.map(([, kind]) => plausible(kind));
    // Narrower signatures: every proper prefix of the parameter list.
    for (let n = 0; n < params.length; n++) {
      cases.push({ module, name, what: `only ${n} of ${params.length} arguments`, types: declared.slice(0, n), values: values.slice(0, n) });
    }
    // One argument of the wrong type at a time.
    params.forEach(([param], i) => {
      const wrong = declared[i] === I32
        ? [[I64, 0n, 'an i64 (bigint)'], [F64, NaN, 'f64 NaN'], [F64, 1.5, 'f64 1.5'], [F32, NaN, 'f32 NaN'], [F64, 2 ** 40, 'f64 2^40']]
        : [[I32, 0, 'an i32 (number)'], [F64, NaN, 'f64 NaN'], [F64, 0, 'f64 0']];
      for (const [type, value, label] of wrong) {
        const types = declared.slice();
        const vals = values.slice();
        types[i] = type;
        vals[i] = value;
        cases.push({ module, name, what: `${param} as ${label}`, types, values: vals });
      }
    });
  }
  return cases;
}

const failures = [];
let count = 0;

function fail(label, c, message) {
  failures.push(`${label}: ${c.module}.${c.name} with ${c.what}: ${message}`);
}

/** Runs every case against `imports` (bound to `memory` through `bind`); checks result, memory and fds. */
function runMatrix(label, module, table, makeImports) {
  const cases = casesFor(module, table);
  const compiled = new WebAssembly.Module(buildModule(cases));
  const holder = {};
  const { imports, bind, fdsOpen } = makeImports(holder);
  const instance = new WebAssembly.Instance(compiled, { [module]: imports });
  const memory = instance.exports.memory;
  bind(instance, memory);
  const bytes = new Uint8Array(memory.buffer);
  // Something recognisable everywhere, so a stray write shows.
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + 3) & 0xff;
  const before = Buffer.from(bytes);
  cases.forEach((c, i) => {
    count++;
    let result;
    try {
      result = instance.exports[`c${i}`]();
    } catch (err) {
      fail(label, c, `threw ${err && err.name}: ${err && err.message}`);
      return;
    }
    if (result !== Errno.INVAL) fail(label, c, `returned ${result}, expected EINVAL (${Errno.INVAL})`);
    if (Buffer.compare(before, Buffer.from(new Uint8Array(memory.buffer))) !== 0) {
      fail(label, c, 'changed guest memory');
      new Uint8Array(memory.buffer).set(before);
    }
    const open = fdsOpen();
    if (open !== true) fail(label, c, `fd ${open} is no longer open`);
  });
}

/** Through the drop-in WASI class (tracing optional), with fds 0-3 (3: the preopen). */
function viaWasi(trace, version) {
  return () => {
    const lines = [];
    const wasi = new WASI({
      version,
      mounts: { '/': ({ clock }) => new MemoryFileSystem({ clock }) },
      stdio: { stdin: 'null', stdout: 'null', stderr: 'null' },
      trace: trace ? (line) => lines.push(line) : undefined,
    });
    let mem;
    return {
      imports: wasi.wasiImport,
      bind: (instance, memory) => {
        mem = memory;
        wasi.finalizeBindings(instance, { memory });
      },
      fdsOpen: () => {
        // fd_fdstat_get with a valid out pointer; restore the bytes it writes.
        const saved = Buffer.from(new Uint8Array(mem.buffer, 0, 64));
        for (let fd = 0; fd <= 3; fd++) {
          if (wasi.wasiImport.fd_fdstat_get(fd, 0) !== 0) {
            new Uint8Array(mem.buffer).set(saved, 0);
            return fd;
          }
        }
        new Uint8Array(mem.buffer).set(saved, 0);
        return true;
      },
    };
  };
}

/** Straight on the core with the interpreted adapter (no code generation). */
function viaInterpreter(version) {
  return () => {
    const null0 = { filetype: 2, read: () => 0, write: (_b, _o, len) => len, stat: () => 0 };
    const clock = { now: () => 0n, resolution: () => 1n, sleepUntil: () => {} };
    const core = new WasiCore({
      args: [], env: [], preopens: [{ guestPath: '/', fs: new MemoryFileSystem({ clock }) }],
      clock,
      random: { fill: () => {} },
      stdio: { stdin: null0, stdout: null0, stderr: null0 },
      adapter: { interpretOnly: true },
    });
    const imports = core.imports(version);
    let mem;
    return {
      imports,
      bind: (_instance, memory) => {
        mem = memory;
        core.bindMemory(memory);
      },
      fdsOpen: () => {
        const saved = Buffer.from(new Uint8Array(mem.buffer, 0, 64));
        let result = true;
        for (let fd = 0; fd <= 3 && result === true; fd++) if (imports.fd_fdstat_get(fd, 0) !== 0) result = fd;
        new Uint8Array(mem.buffer).set(saved, 0);
        return result;
      },
    };
  };
}

runMatrix('WASI preview1', 'wasi_snapshot_preview1', PREVIEW1_FUNCTIONS, viaWasi(false, 'preview1'));
runMatrix('WASI unstable', 'wasi_unstable', UNSTABLE_FUNCTIONS, viaWasi(false, 'unstable'));
runMatrix('WASI preview1, traced', 'wasi_snapshot_preview1', PREVIEW1_FUNCTIONS, viaWasi(true, 'preview1'));
runMatrix('interpreted adapter, preview1', 'wasi_snapshot_preview1', PREVIEW1_FUNCTIONS, viaInterpreter('preview1'));
runMatrix('interpreted adapter, unstable', 'wasi_unstable', UNSTABLE_FUNCTIONS, viaInterpreter('unstable'));

process.stdout.write(`${JSON.stringify({ cases: count, failures })}\n`);
