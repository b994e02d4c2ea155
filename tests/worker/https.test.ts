/**
 * `vos run --http-dir` over HTTPS (issue 12 item 3 says HTTP(S)), as a user runs it: a tree served by a local
 * node:https server with a self-signed certificate (fixtures/localhost-cert.pem). Trusted through Node's own
 * NODE_EXTRA_CA_CERTS, the guest reads it; untrusted, or unreachable, the run fails before the guest starts with
 * exit 1 and the reason, not an EIO inside the guest.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCli, spawnVosAsync, type Result } from '../cli/helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startStaticServer } = require('./fixtures/static-server.js');

const CERT = join(__dirname, 'fixtures', 'localhost-cert.pem');
const KEY = join(__dirname, 'fixtures', 'localhost-key.pem');

let cli: string;
let tmp: string;
let server: { url: string; log: { path: string }[]; close(): Promise<void> };

beforeAll(async () => {
  cli = buildCli();
  tmp = mkdtempSync(join(tmpdir(), 'vos-https-'));
  const tree = join(tmp, 'tree');
  mkdirSync(join(tree, 'sub'), { recursive: true });
  writeFileSync(join(tree, 'a.txt'), 'alpha\n');
  writeFileSync(join(tree, 'sub', 'b.txt'), 'beta\n');
  const manifest = await vos(['manifest', tree]);
  expect(manifest.code).toBe(0);
  writeFileSync(join(tree, 'index.json'), manifest.stdout);
  server = await startStaticServer(tmp, { tls: { key: readFileSync(KEY), cert: readFileSync(CERT) } });
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** The vos command; NODE_EXTRA_CA_CERTS only when a test trusts the certificate. */
function vos(argv: string[], env: Record<string, string> = {}): Promise<Result> {
  return spawnVosAsync(cli, argv, { NODE_EXTRA_CA_CERTS: undefined, ...env });
}

test('a tree over HTTPS with a trusted certificate is mounted and read', async () => {
  expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  const r = await vos(['run', '--http-dir', `${server.url}/tree::/srv`, 'tests/wasm/bin/tree_sum.wasm', '/srv'], { NODE_EXTRA_CA_CERTS: CERT });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^\/srv\/a\.txt 6 bytes, read 6, fnv [0-9a-f]{8}\n\/srv\/sub\/\n\/srv\/sub\/b\.txt 5 bytes, read 5, fnv [0-9a-f]{8}\n$/);
});

test('an untrusted certificate fails the run before the guest starts: exit 1 and the TLS reason', async () => {
  const before = server.log.length;
  const r = await vos(['run', '--http-dir', `${server.url}/tree::/srv`, 'tests/wasm/bin/tree_sum.wasm', '/srv']);
  expect(r.stdout).toBe('');
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`vos: option '--http-dir ${server.url}/tree::/srv': cannot load the tree's manifest: fetch failed: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)\n`);
  expect(server.log.length).toBe(before); // the TLS handshake failed: no request was served
});

test('a missing manifest is exit 1 naming the HTTP status', async () => {
  const r = await vos(['run', '--http-dir', `${server.url}/nothing-here::/srv`, 'tests/wasm/bin/tree_sum.wasm', '/srv'], { NODE_EXTRA_CA_CERTS: CERT });
  expect(r.code).toBe(1);
  expect(r.stderr).toBe(`vos: option '--http-dir ${server.url}/nothing-here::/srv': cannot load the tree's manifest: HTTP 404 for ${server.url}/nothing-here/index.json\n`);
});
