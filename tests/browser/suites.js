'use strict';
/**
 * The browser suites: each is one page (an esbuild entry under pages/), served cross-origin isolated unless
 * `isolated: false`. A suite with `run` drives its page itself (reloads, clicks); otherwise the runner opens it
 * and collects what the page's harness reports.
 */
const SUITES = [
  {
    name: 'wasm goldens',
    page: 'goldens',
    entries: { goldens: 'pages/goldens.page.ts', 'goldens-worker': 'pages/goldens-worker.ts' },
  },
  { name: 'composition with inversify (modules, container) in the browser build', page: 'composition', entries: { composition: 'pages/composition.page.ts' } },
  { name: 'fs behaviour (memory; PersistentFileSystem over IndexedDB and OPFS, reloaded after each test)', page: 'fs-behaviour', entries: { 'fs-behaviour': 'pages/fs-behaviour.page.ts' } },
  {
    name: 'JSPI path (page not cross-origin isolated)',
    page: 'jspi',
    isolated: false,
    entries: { jspi: 'pages/jspi.page.ts' },
  },
  {
    name: 'worker + SharedArrayBuffer path (Web Worker, cross-origin isolated page)',
    page: 'worker-channel',
    entries: { 'worker-channel': 'pages/worker-channel.page.ts', 'worker-channel-guest': 'pages/worker-channel-guest.ts' },
  },
  {
    name: 'fs behaviour on OpfsFileSystem (through the worker channel)',
    page: 'opfs-testkit',
    entries: { 'opfs-testkit': 'pages/opfs-testkit.page.ts', 'opfs-testkit-worker': 'pages/opfs-testkit-worker.ts' },
  },
  {
    name: 'browser storage (OPFS, IndexedDB, zip, tar)',
    page: 'storage',
    entries: { storage: 'pages/storage.page.ts' },
    // Three loads of one page: the in-page tests, then a write, then a real reload that reads back.
    async run(page, url, { collect }) {
      const once = await collect(page, () => page.goto(`${url}#once`));
      const write = await collect(page, () => page.goto(`${url}#write`));
      const read = await collect(page, () => page.reload());
      return [...once, ...write.map(tag('before reload')), ...read.map(tag('after reload'))];
    },
  },
  {
    name: 'playground end to end',
    page: 'playground',
    entries: {},
    prepare: (out) => require('./playground-e2e').prepare(out),
    run: (page, url, ctx) => require('./playground-e2e').run(page, url, ctx),
  },
  {
    name: 'docs/browser.md code blocks',
    page: 'doc-blocks',
    generate: (dir) => require('./docs-snippets').generate(dir),
    // One page per block, loaded in turn.
    async run(page, url, { collect, entries }) {
      const results = [];
      for (const name of Object.keys(entries)) results.push(...(await collect(page, () => page.goto(url.replace('/doc-blocks.html', `/${name}.html`)))));
      return results;
    },
  },
];

function tag(label) {
  return (r) => ({ ...r, name: `${r.name} (${label})` });
}

module.exports = { SUITES };
