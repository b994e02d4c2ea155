'use strict';
/**
 * The playground end to end in headless Chromium, driven as a person would: pick a sample or upload a .wasm, set
 * arguments and mounts, click Run, read stdout, the syscall table and the filesystem diff from the page; stop a
 * runaway program with Stop and with the deadline; a persistent mount across a reload; a zip and a tar mounted
 * from a URL; the files after a run downloaded as a tar.
 */
const fs = require('node:fs');
const path = require('node:path');
const { REPO } = require('./build');

async function prepare(out) {
  const dir = path.join(out, 'playground');
  await require('../../examples/playground/build').buildPlayground(dir);
  const { zipSync, strToU8 } = require('fflate');
  fs.writeFileSync(path.join(dir, 'sample.zip'), zipSync({ 'readme.txt': strToU8('from a zip on the server\n'), 'sub/': new Uint8Array(0) }));
  // A tar written by GNU tar (pax format; the fixture of tests/archives).
  fs.copyFileSync(path.join(REPO, 'tests/archives/fixtures/pax.tar'), path.join(dir, 'sample.tar'));
  // An HTTP tree: files and the manifest @vos/fs-http reads (made by its Node build, as `vos manifest` does).
  const tree = path.join(dir, 'tree');
  fs.mkdirSync(path.join(tree, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(tree, 'docs', 'guide.txt'), 'fetched only when read\n');
  fs.writeFileSync(path.join(tree, 'big.bin'), Buffer.alloc(3 << 20, 7));
  const { writeManifest, MANIFEST_NAME } = require(path.join(REPO, 'packages/fs-http/dist/index.js'));
  const manifest = writeManifest(tree);
  if (!fs.existsSync(path.join(tree, MANIFEST_NAME))) fs.writeFileSync(path.join(tree, MANIFEST_NAME), JSON.stringify(manifest));
}

async function run(page, _url, { server }) {
  const url = `${server.url}/build/playground/`;
  const results = [];
  const step = async (name, fn) => {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, status: 'passed', ms: Date.now() - t0 });
    } catch (err) {
      results.push({ name, status: 'failed', error: String(err && err.message ? err.message : err), ms: Date.now() - t0 });
    }
  };
  const expectEq = (actual, expected, what) => {
    if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  };
  const status = () => page.textContent('#status');
  const waitStatus = (re, timeout = 20_000) =>
    page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status').textContent), re.source, { timeout });
  const runAndWait = async () => {
    await page.click('#run');
    await waitStatus(/exit code|error|deadline|stopped/);
  };
  const addMount = async (mountPath, kind, source = '') => {
    await page.fill('#mount-path', mountPath);
    await page.selectOption('#mount-kind', kind);
    await page.fill('#mount-source', source);
    await page.click('#mount-add');
  };

  await page.goto(url);
  await step('the page is cross-origin isolated and the guest runs in a worker', async () => {
    await page.waitForFunction(() => document.getElementById('env-info').textContent !== '');
    const info = await page.textContent('#env-info');
    if (!/^cross-origin isolated; persistent mounts use OPFS; guests run in a worker$/.test(info)) throw new Error(info);
  });

  await step('hello: arguments and environment reach the guest, stdout and the syscall table show', async () => {
    await page.selectOption('#program-select', 'hello');
    await page.fill('#args', "playground 'two words'");
    await page.fill('#env', 'USER=e2e');
    await runAndWait();
    if (!/^exit code 0 in [\d.]+ ms, \d+ syscalls$/.test(await status())) throw new Error(`status: ${await status()}`);
    expectEq(await page.textContent('#stdout'), 'hello, playground\nhello, two words\nUSER=e2e\n', 'stdout');
    const calls = await page.$$eval('#trace-table tbody tr td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
    if (!calls.includes('fd_write') || !calls.includes('environ_get')) throw new Error(`trace calls: ${calls.join(' ')}`);
  });

  await step('fsutil with a memory mount: the filesystem diff lists what the guest created', async () => {
    await addMount('/data', 'memory');
    await page.selectOption('#program-select', 'fsutil');
    await runAndWait();
    if (!(await status()).startsWith('exit code 0')) throw new Error(await status());
    const out = await page.textContent('#stdout');
    if (!out.endsWith('ls /data/notes: hi.txt\nhello from wasm\n')) throw new Error(out);
    const diff = await page.$$eval('#diff-table tbody tr', (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent).join(' ')));
    expectEq(diff.join('\n'), 'A /data/notes dir \nA /data/notes/hi.txt file 16', 'diff');
  });

  await step('an uploaded .wasm runs with a fake clock: the same output twice, at the chosen epoch', async () => {
    await page.setInputFiles('#wasm-file', path.join(REPO, 'tests/wasm/bin/deterministic.wasm'));
    await page.waitForFunction(() => document.getElementById('program-name').textContent.includes('deterministic.wasm'));
    await page.fill('#args', '');
    await page.check('#fake-clock');
    await page.fill('#epoch', '2024-02-29T12:00:00Z');
    await page.fill('#seed', '42');
    await runAndWait();
    const first = await page.textContent('#stdout');
    await runAndWait();
    const second = await page.textContent('#stdout');
    if (!first.includes('date: 2024-02-29T12:00:00Z')) throw new Error(first);
    expectEq(second, first, 'second run');
    await page.uncheck('#fake-clock');
  });

  await step('a zip from a URL mounted: the guest reads it', async () => {
    await addMount('/z', 'archive-url', 'sample.zip');
    await page.selectOption('#program-select', 'fsutil');
    await page.fill('#args', 'cat /z/readme.txt ls /z');
    await runAndWait();
    expectEq(await page.textContent('#stdout'), 'from a zip on the server\nls /z: readme.txt sub\n', 'stdout');
  });

  await step('a tar from a URL mounted; the files after the run download as a tar', async () => {
    await addMount('/t', 'archive-url', 'sample.tar');
    await page.selectOption('#program-select', 'fsutil');
    await page.fill('#args', "cat /t/hello.txt ls /t/dir/sub write /t/new.txt 'made here'");
    await runAndWait();
    expectEq(await page.textContent('#stdout'), 'hello tarls /t/dir/sub: x\nwrite /t/new.txt: 10 bytes\n', 'stdout');
    if (await page.isHidden('#download-tar')) throw new Error('no download link after the run');
    const got = await page.evaluate(async () => {
      const bytes = new Uint8Array(await (await fetch(document.getElementById('download-tar').href)).arrayBuffer());
      const text = new TextDecoder('latin1').decode(bytes);
      return { magic: text.slice(257, 262), newFile: text.includes('t/new.txt') && text.includes('made here'), fromZip: text.includes('z/readme.txt') };
    });
    expectEq(JSON.stringify(got), JSON.stringify({ magic: 'ustar', newFile: true, fromZip: true }), 'downloaded tar');
  });

  await step('an HTTP tree mounted: listed from its manifest, a file fetched when the guest reads it', async () => {
    await addMount('/web', 'http', 'tree/');
    await page.selectOption('#program-select', 'fsutil');
    await page.fill('#args', 'ls /web ls /web/docs cat /web/docs/guide.txt');
    const fetched = [];
    const onRequest = (r) => r.url().includes('/tree/') && fetched.push(r.url().slice(r.url().indexOf('/tree/')));
    page.on('request', onRequest);
    await runAndWait();
    page.off('request', onRequest);
    if (!(await status()).startsWith('exit code 0')) throw new Error(await status());
    expectEq(await page.textContent('#stdout'), 'ls /web: big.bin docs\nls /web/docs: guide.txt\nfetched only when read\n', 'stdout');
    if (fetched.some((u) => u.includes('big.bin'))) throw new Error(`fetched what was never read: ${fetched.join(' ')}`);
    if (!fetched.some((u) => u.endsWith('/docs/guide.txt'))) throw new Error(`guide.txt was not fetched: ${fetched.join(' ')}`);
  });
  // The next runs do without it.
  await page.click('#mounts tbody tr:has-text("/web") button');

  await step('a runaway program streams its output and the Stop button ends it', async () => {
    await page.selectOption('#program-select', 'ticker');
    await page.fill('#args', '0');
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('stdout').textContent.includes('tick 3\n'), null, { timeout: 10_000 });
    await page.click('#stop');
    expectEq(await status(), 'stopped', 'status');
    // The page stayed responsive and can run again.
    if (await page.isDisabled('#run')) throw new Error('Run stays disabled');
  });

  await step('a program that never makes a syscall is killed at the deadline', async () => {
    await page.selectOption('#program-select', 'spin');
    await page.fill('#deadline', '500');
    const t0 = Date.now();
    await page.click('#run');
    await waitStatus(/deadline/);
    expectEq(await status(), 'deadline: killed after 500 ms', 'status');
    if (Date.now() - t0 > 8000) throw new Error(`took ${Date.now() - t0} ms`);
    expectEq(await page.textContent('#stdout'), 'spinning\n', 'stdout');
    await page.fill('#deadline', '10000');
  });

  await step('a persistent mount keeps its files across a page reload', async () => {
    await addMount('/keep', 'persistent', 'e2e-store');
    await page.selectOption('#program-select', 'fsutil');
    await page.fill('#args', "write /keep/saved.txt 'survives reloads'");
    await runAndWait();
    if (!/saved \/keep/.test(await status())) throw new Error(await status());
    await page.reload();
    await page.waitForFunction(() => document.getElementById('env-info').textContent !== '');
    await addMount('/keep', 'persistent', 'e2e-store');
    await page.selectOption('#program-select', 'fsutil');
    await page.fill('#args', 'cat /keep/saved.txt');
    await runAndWait();
    expectEq(await page.textContent('#stdout'), 'survives reloads\n', 'stdout after reload');
  });
  return results;
}

module.exports = { prepare, run };
