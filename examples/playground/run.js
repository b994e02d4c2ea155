#!/usr/bin/env node
'use strict';
/**
 * `npm run playground`: builds the playground (examples/playground/dist) and serves it on http://127.0.0.1:8080
 * with the cross-origin-isolation headers, offline. Open the printed address in a browser; Ctrl-C stops it.
 *
 *   node examples/playground/run.js [--port N] [--build-only]
 */
const path = require('node:path');
const { buildPlayground } = require('./build');
const { startStaticServer } = require('../../tests/browser/server');

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--port');
  const port = at >= 0 ? Number(args[at + 1]) : 8080;
  const out = path.join(__dirname, 'dist');
  await buildPlayground(out, { minify: true });
  console.log(`built ${path.relative(process.cwd(), out)}`);
  if (args.includes('--build-only')) return;
  const server = await startStaticServer({ root: out, port, isolated: true });
  console.log(`vos playground: ${server.url}/  (Ctrl-C to stop)`);
  process.on('SIGINT', () => server.close().then(() => process.exit(0)));
}

main().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});
