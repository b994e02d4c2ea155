'use strict';
/**
 * A static file server for the browser tests, the playground and the browser bench (node:http only: a few dozen
 * lines, no dependency). It serves files under `root`, never outside it, and answers with the two headers that
 * make a page cross-origin isolated (so it may use SharedArrayBuffer and Atomics.wait in a worker):
 *
 *   Cross-Origin-Opener-Policy: same-origin
 *   Cross-Origin-Embedder-Policy: require-corp
 *
 * `isolated` chooses which requests get them: true (all), false (none), or a predicate on the URL. Pages that must
 * run without isolation (the JSPI path) are served without them. Listens on 127.0.0.1 only.
 */
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.stdout': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * Starts the server; resolves to `{ url, close() }` once it listens.
 * @param {{ root: string, port?: number, isolated?: boolean | ((url: URL) => boolean), mounts?: Record<string, string> }} options
 *   `mounts` maps a URL prefix (e.g. '/wasm/') to another directory served under it.
 */
function startStaticServer({ root, port = 0, isolated = true, mounts = {} }) {
  const rootDir = path.resolve(root);
  const prefixes = Object.entries(mounts).map(([prefix, dir]) => [prefix, path.resolve(dir)]);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (typeof isolated === 'function' ? isolated(url) : isolated) {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let base = rootDir;
    let rel = decodeURIComponent(url.pathname);
    for (const [prefix, dir] of prefixes) {
      if (rel.startsWith(prefix)) {
        base = dir;
        rel = rel.slice(prefix.length - 1);
        break;
      }
    }
    let file = path.join(base, path.normalize(rel));
    if (file !== base && !file.startsWith(base + path.sep)) {
      res.writeHead(403).end();
      return;
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        file = path.join(file, 'index.html');
        st = fs.existsSync(file) ? fs.statSync(file) : null;
      }
      if (err || !st || !st.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, {
        'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'Content-Length': st.size,
      });
      if (req.method === 'HEAD') res.end();
      else fs.createReadStream(file).pipe(res);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: actual } = server.address();
      resolve({
        url: `http://127.0.0.1:${actual}`,
        close: () => new Promise((done) => {
          server.closeAllConnections?.();
          server.close(() => done());
        }),
      });
    });
  });
}

module.exports = { startStaticServer };
