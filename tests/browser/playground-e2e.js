'use strict';
/**
 * The playground end to end in headless Chromium, driven as a person would: pick a sample or upload a .wasm, set
 * arguments and mounts, click Run, read stdout, the syscall table and the filesystem diff from the page; stop a
 * runaway program with Stop and with the deadline; a persistent mount across a reload; a zip mounted from a URL.
 */
const fs = require('node:fs');
const path = require('node:path');
const { REPO } = require('./build');

async function prepare(out) {
  const dir = path.join(out, 'playground');
  await require('../../examples/playground/build').buildPlayground(dir);
  const { zipSync, strToU8 } = require('fflate');
  fs.writeFileSync(path.join(dir, 'sample.zip'), zipSync({ 'readme.txt': strToU8('from a zip on the server\n'), 'sub/': new Uint8Array(0) }));
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
    await addMount('/z', 'zip-url', 'sample.zip');
    await page.selectOption('#program-select', 'fsutil');
    await page.fill('#args', 'cat /z/readme.txt ls /z');
    await runAndWait();
    expectEq(await page.textContent('#stdout'), 'from a zip on the server\nls /z: readme.txt sub\n', 'stdout');
  });

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
