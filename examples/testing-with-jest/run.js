// The same as greeter.test.ts, as a plain script.
// Usage: node examples/testing-with-jest/run.js [ISO date]
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { ContainerModule } = require('inversify');
const { TOKENS, WASI } = require('@vos/wasi');
const { FakeClock } = require('@vos/clock');
const { createStdio } = require('@vos/stdio');
const { MemoryFileSystem } = require('@vos/fs-memory');

const clock = new FakeClock({ start: process.argv[2] ?? '2024-03-01T09:30:00Z' });
const chunks = [];
const world = new ContainerModule(({ bind }) => {
  bind(TOKENS.Clock).toConstantValue(clock);
  bind(TOKENS.Stdio).toConstantValue(createStdio({ stdin: 'null', stdout: (chunk) => chunks.push(chunk) }));
});
const wasi = new WASI({ version: 'preview1', args: ['greeter'], mounts: { '/': ({ clock }) => new MemoryFileSystem({ clock }) }, modules: [world] });
const greeter = new WebAssembly.Module(fs.readFileSync(path.join(__dirname, 'greeter.wasm')));
const code = wasi.start(new WebAssembly.Instance(greeter, wasi.getImportObject()));
process.stdout.write(`captured stdout:\n${Buffer.concat(chunks)}`);
process.stdout.write(`exit code ${code}; the fake clock now reads ${clock.date.toISOString()}\n`);
process.exitCode = code;
