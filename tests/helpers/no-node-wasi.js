// jest maps `node:wasi` and `wasi` here (jest.config.js): node:wasi must never run inside a jest worker, where a
// crash of its native code (it has one: see tests/helpers/child.ts) would take vos's own tests down with it.
// Run it in a child process with tests/helpers/child.ts instead.
throw new Error('node:wasi is not available inside jest workers: run it in a child process (tests/helpers/child.ts)');
