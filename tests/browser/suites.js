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
  { name: 'fs behaviour (memory)', page: 'fs-behaviour', entries: { 'fs-behaviour': 'pages/fs-behaviour.page.ts' } },
];

module.exports = { SUITES };
